/* A new sales order's or invoice's form: choosing the customer fills the header fields
   still empty (payment terms, due date, currency, addresses, tax number) from what the
   server would pre-fill; what the user typed stays. The server sends each value as its
   input holds it (a date as the locale's date picker writes it, 07.12.2026 in German). */
(function () {
  "use strict";
  var form = document.getElementById("crm-document-form");
  if (!form || !form.dataset.prefillUrl) { return; }
  var $ = window.jQuery;
  var picker = document.getElementById("customer");
  if (!$ || !picker) { return; }

  function fill(values) {
    Object.keys(values).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field || field.value !== "" || values[name] === "" || values[name] === null) { return; }
      field.value = values[name];
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  $(picker).on("change", function () {
    if (!picker.value) { return; }
    var url = form.dataset.prefillUrl + "?customer=" + encodeURIComponent(picker.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) { return reply.ok ? reply.json() : {}; })
      .then(fill)
      .catch(function () { /* the server pre-fills on save anyway */ });
  });
})();
