/* Customer form: ask the server for likely duplicates as the user types name, email,
   tax number or phone, and list them above the form (a taken email is an error, the
   rest are warnings the user may save over). */
(function () {
  "use strict";
  var box = document.getElementById("crm-duplicate-hints");
  if (!box) { return; }
  var form = box.parentNode.querySelector("form") || document.querySelector("form#model_form") ||
             document.querySelector("form");
  if (!form) { return; }
  var fields = ["name", "email", "tax_number", "phone"];
  var timer = null;
  var last = "";

  function value(name) {
    var input = form.querySelector("[name=" + name + "]");
    return input ? input.value.trim() : "";
  }

  function show(data) {
    box.innerHTML = "";
    var errors = data.errors || {};
    var matches = data.matches || [];
    if (!matches.length) { box.style.display = "none"; return; }
    box.className = "alert " + (errors.email ? "alert-danger" : "alert-warning");
    var title = document.createElement("strong");
    title.textContent = box.getAttribute(errors.email ? "data-email-title" : "data-title");
    box.appendChild(title);
    var list = document.createElement("ul");
    matches.forEach(function (m) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name + " (" + m.code + ")";
      item.appendChild(link);
      item.appendChild(document.createTextNode(" — " + m.reasons.join(", ")));
      list.appendChild(item);
    });
    box.appendChild(list);
    box.style.display = "";
  }

  function check() {
    var params = new URLSearchParams();
    fields.forEach(function (name) { params.set(name, value(name)); });
    params.set("id", box.getAttribute("data-record-id") || "");
    var query = params.toString();
    if (query === last) { return; }
    last = query;
    fetch(box.getAttribute("data-check-url") + "?" + query, {credentials: "same-origin",
          headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && query === last) { show(data); } })
      .catch(function () { /* hints are a help; the server checks again on save */ });
  }

  fields.forEach(function (name) {
    var input = form.querySelector("[name=" + name + "]");
    if (!input) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
    input.addEventListener("change", check);
  });
  if (value("name") || value("email")) { check(); }
})();
