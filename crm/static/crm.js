/* Shared page behaviour, loaded on every page (templates/crm/base.html).
 *
 * crm.csrfHeaders(extra): request headers carrying the page's CSRF token (the
 *   <meta name="csrf-token"> tag), which every POST/PUT/DELETE our scripts send
 *   with the session cookie needs, to the screens and to /api/v1 alike.
 * Delegated handlers, so templates need no inline script (the CSP forbids it):
 *   <form data-confirm="Question?">  asks before submitting;
 *   <select data-autosubmit>         submits its form when changed;
 *   <a data-delete="url">            a list row's delete (crm/templates/crm/widgets/
 *                                    lean_list.html): FAB's confirmation, then the delete;
 *   <select data-crm-choices="url">  a list's relation filter, filled from url when the
 *                                    user adds it (crm/views/search_choices.py).
 * crm.toast(message, kind): a short confirmation (kind "danger": a refusal) in the corner,
 *   read out by screen readers.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Select2 draws a select as a span with role="textbox" and no name of its own: give it
  // the name of the select's label, so screen readers say which field it is.
  function nameSelectBoxes() {
    document.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (box) {
      if (box.hasAttribute("aria-label")) { return; }
      var id = (box.id || "").replace(/^select2-/, "").replace(/-container$/, "");
      var label = id && document.querySelector('label[for="' + id + '"]');
      if (label) { box.setAttribute("aria-label", label.textContent.trim()); }
    });
    // A multiple choice (tags) types into an inline search box: named after its select too.
    document.querySelectorAll("input.select2-search__field:not([aria-label])").forEach(function (input) {
      var container = input.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (label) { input.setAttribute("aria-label", label.textContent.trim()); }
    });
  }
  // Pickers are drawn by several scripts, some after the page loaded: name each new one.
  var naming = null;
  new MutationObserver(function () {
    if (naming === null) {
      naming = window.requestAnimationFrame(function () { naming = null; nameSelectBoxes(); });
    }
  }).observe(document.documentElement, {childList: true, subtree: true});

  function csrfHeaders(extra) {
    var headers = {"X-CSRFToken": csrfToken()};
    Object.keys(extra || {}).forEach(function (name) { headers[name] = extra[name]; });
    return headers;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-delete]");
    if (!link || typeof AdminActions === "undefined") { return; }
    event.preventDefault();
    var table = link.closest("[data-delete-question]");
    new AdminActions().execute_single_delete(
      link.getAttribute("data-delete"), table ? table.getAttribute("data-delete-question") : "");
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  function loadChoices(select) {
    var url = select.getAttribute("data-crm-choices");
    select.removeAttribute("data-crm-choices"); // fetched once per added filter
    fetch(url, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (choices) {
        choices.forEach(function (choice) {
          select.appendChild(new Option(choice.text, choice.id));
        });
        if (window.jQuery) { window.jQuery(select).trigger("change"); }
      });
  }

  // FAB's filter script adds the filter's row on the same click, before this runs.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#filter_form a.filter");
    if (!link) { return; }
    document.querySelectorAll("#filter_form select[data-crm-choices]").forEach(loadChoices);
  });

  function toast(message, kind) {
    var shelf = document.querySelector(".crm-toasts");
    if (!shelf) {
      shelf = document.createElement("div");
      shelf.className = "crm-toasts";
      shelf.setAttribute("role", "status");
      shelf.setAttribute("aria-live", "polite");
      document.body.appendChild(shelf);
    }
    var note = document.createElement("div");
    note.className = "alert alert-" + (kind || "success") + " crm-toast";
    note.textContent = message;
    shelf.appendChild(note);
    window.setTimeout(function () { note.remove(); }, 5000);
  }

  window.crm = {csrfToken: csrfToken, csrfHeaders: csrfHeaders, toast: toast};
}());
