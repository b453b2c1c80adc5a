/* Quick log (templates/crm/quick_log.html): a call, meeting or note in two clicks.
 *
 * Click 1, a button[data-quick-log=kind][data-customer|data-deal|data-lead=id] on a list
 * row, a board card or a record's header, opens the modal with that kind chosen and the
 * cursor in the summary; click 2 (or Enter) saves it through POST /api/v1/interaction/.
 * A refusal's field messages ({"message", "errors": {field: [...]}}) show under their
 * fields, others above them. A save shows a toast, notes it on the card, adds the row to
 * the page's [data-quick-log-rows] table, counts it in [data-quick-log-count] and tells
 * the page ("crm:interaction-logged" on document), which reloads what it drew from it.
 */
(function ($) {
  "use strict";

  var TARGETS = ["customer", "deal", "lead"];
  var modal = null;
  var opener = null;

  function field(name) { return modal.querySelector('[data-field="' + name + '"]'); }

  function clearErrors() {
    modal.querySelectorAll(".form-group").forEach(function (group) {
      group.classList.remove("has-error");
      group.querySelector(".crm-field-error").textContent = "";
    });
    showAlert("");
  }

  function showAlert(message) {
    var box = modal.querySelector(".crm-quick-log-alert");
    box.textContent = message;
    box.style.display = message ? "" : "none";
  }

  function showErrors(data) {
    var errors = data.errors || (typeof data.message === "object" ? data.message : {});
    var general = typeof data.message === "string" ? [data.message] : [];
    Object.keys(errors || {}).forEach(function (name) {
      var text = [].concat(errors[name]).join(" ");
      var group = field(name);
      if (group && group.style.display !== "none") {
        group.classList.add("has-error");
        group.querySelector(".crm-field-error").textContent = text;
      } else {
        general.push(text);
      }
    });
    showAlert(general.join(" ") || (Object.keys(errors || {}).length ? "" : modal.getAttribute("data-failed")));
  }

  function chooseKind(kind) {
    modal.querySelectorAll("input[name=kind]").forEach(function (radio) {
      radio.checked = radio.value === kind;
      radio.closest("label").classList.toggle("active", radio.checked);
    });
  }

  function kindLabel() {
    var checked = modal.querySelector("input[name=kind]:checked");
    return checked ? checked.closest("label").textContent.trim() : "";
  }

  function loadContacts(target) {
    var group = field("contact");
    var select = group.querySelector("select");
    while (select.options.length > 1) { select.remove(1); }
    group.style.display = "none";
    if (!target.customer && !target.deal) { return; }
    var url = new URL(modal.getAttribute("data-contacts-url"), window.location.href);
    url.searchParams.set(target.customer ? "customer" : "deal", target.customer || target.deal);
    fetch(url.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {results: []}; })
      .then(function (data) {
        (data.results || []).forEach(function (contact) {
          select.appendChild(new Option(contact.text, contact.id));
        });
        group.style.display = select.options.length > 1 ? "" : "none";
      });
  }

  // A list row's buttons carry no label: the row's record is named by its first link.
  function recordLabel(button) {
    var label = button.getAttribute("data-label");
    var row = !label && button.closest("tr");
    var link = row && row.querySelector("td:not(.crm-crud) a");
    return label || (link ? link.textContent.trim() : "");
  }

  function open(button) {
    opener = button;
    var target = {};
    TARGETS.forEach(function (name) {
      var value = button.getAttribute("data-" + name);
      if (value) { target[name] = parseInt(value, 10); }
    });
    modal.quickLogTarget = target;
    modal.querySelector("form").reset();
    clearErrors();
    chooseKind(button.getAttribute("data-quick-log"));
    modal.quickLogLabel = recordLabel(button);
    modal.querySelector(".crm-quick-log-record").textContent = modal.quickLogLabel;
    loadContacts(target);
    $(modal).modal("show");
  }

  function body() {
    var form = modal.querySelector("form");
    var checked = form.querySelector("input[name=kind]:checked");
    var data = {kind: checked ? checked.value : "", summary: form.summary.value};
    if (form.follow_up.value.trim()) { data.follow_up = form.follow_up.value; }
    if (form.contact.value) { data.contact = parseInt(form.contact.value, 10); }
    Object.keys(modal.quickLogTarget).forEach(function (name) { data[name] = modal.quickLogTarget[name]; });
    return data;
  }

  function fill(template, kind, record) {
    return (template || "").replace("{kind}", kind).replace("{record}", record);
  }

  function shown(saved, kind, contact) {
    var record = modal.quickLogLabel;
    window.crm.toast(fill(modal.getAttribute("data-saved-message"), kind, record));
    var card = opener && opener.closest(".crm-card");
    if (card) {
      var hint = card.querySelector(".crm-card-logged") || document.createElement("div");
      hint.className = "crm-card-logged";
      hint.textContent = fill(modal.getAttribute("data-logged-hint"), kind, record);
      opener.closest(".crm-quick-log-buttons").after(hint);
    }
    document.querySelectorAll("[data-quick-log-count]").forEach(function (count) {
      count.textContent = String((parseInt(count.textContent, 10) || 0) + 1);
    });
    document.querySelectorAll("table[data-quick-log-rows]").forEach(function (table) {
      var row = table.insertRow(1);
      [table.getAttribute("data-just-now"), kind, saved.summary, contact, ""]
        .forEach(function (text) { row.insertCell().textContent = text || ""; });
      table.style.display = "";
    });
    document.querySelectorAll("[data-quick-log-empty]").forEach(function (note) { note.remove(); });
    document.dispatchEvent(new CustomEvent("crm:interaction-logged", {detail: saved}));
  }

  function save(event) {
    event.preventDefault();
    clearErrors();
    var kind = kindLabel();
    var picked = modal.querySelector("select[name=contact]");
    var contact = picked.value ? picked.options[picked.selectedIndex].text : "";
    var button = modal.querySelector(".crm-quick-log-save");
    button.disabled = true;
    fetch(modal.getAttribute("data-api-url"), {
      method: "POST", credentials: "same-origin",
      headers: window.crm.csrfHeaders({"Content-Type": "application/json", "Accept": "application/json"}),
      body: JSON.stringify(body())
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { showErrors(data); return; }
        $(modal).modal("hide");
        shown(data.result || {}, kind, contact);
      });
    }).catch(function () {
      showAlert(modal.getAttribute("data-failed"));
    }).finally(function () { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    modal = document.getElementById("crm-quick-log");
    if (!modal) { return; }
    modal.querySelector("form").addEventListener("submit", save);
    modal.querySelectorAll("input[name=kind]").forEach(function (radio) {
      radio.addEventListener("change", function () { chooseKind(radio.value); });
    });
    $(modal).on("shown.bs.modal", function () { modal.querySelector("input[name=summary]").focus(); });
    $(modal).on("hidden.bs.modal", function () { if (opener) { opener.focus(); } });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[data-quick-log]");
      if (!button) { return; }
      event.preventDefault();
      event.stopPropagation();
      open(button);
    });
  });
})(jQuery);
