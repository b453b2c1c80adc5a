/* Shared page behaviour, loaded on every page (templates/crm/base.html).
 *
 * crm.csrfHeaders(extra): request headers carrying the page's CSRF token (the
 *   <meta name="csrf-token"> tag), which every POST/PUT/DELETE our scripts send
 *   with the session cookie needs, to the screens and to /api/v1 alike.
 * Delegated handlers, so templates need no inline script (the CSP forbids it):
 *   <form data-confirm="Question?">  asks before submitting;
 *   <select data-autosubmit>         submits its form when changed.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

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

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  window.crm = {csrfToken: csrfToken, csrfHeaders: csrfHeaders};
}());
