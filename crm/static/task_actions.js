/* A task's "Mark done" / "Reopen" button (templates/crm/task_actions.html) without leaving
 * the page: the form's action goes to POST /api/v1/task/<id>/done or /reopen, and the
 * button becomes the other one, so a task marked done by mistake is reopened with the next
 * click (the undo). A refusal shows its message in a toast-sized alert; without scripts
 * the form posts to the screen, which redirects back.
 */
(function () {
  "use strict";

  function draw(form, state) {
    var done = state === "done";
    var label = form.getAttribute(done ? "data-reopen-label" : "data-done-label");
    form.setAttribute("data-state", state);
    form.setAttribute("action", form.getAttribute(done ? "data-reopen-url" : "data-done-url"));
    var button = form.querySelector("button");
    button.className = "btn btn-sm " + (done ? "btn-default" : "btn-success");
    button.setAttribute("title", label);
    button.querySelector("i").className = "fa " + (done ? "fa-undo" : "fa-check");
    button.querySelector(".sr-only").textContent = label;
    var row = form.closest("tr");
    if (row) { row.classList.toggle("crm-task-finished", done); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("crm-task-action") || !window.fetch) { return; }
    event.preventDefault();
    var finishing = form.getAttribute("data-state") !== "done";
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.getAttribute(finishing ? "data-done-api" : "data-reopen-api"), {
      method: "POST", credentials: "same-origin",
      headers: window.crm.csrfHeaders({"Accept": "application/json"})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || response.statusText); }
        draw(form, finishing ? "done" : "open");
        var message = form.getAttribute(finishing ? "data-done-message" : "data-reopen-message");
        window.crm.toast(message.replace("{title}", form.getAttribute("data-task-title") ||
                                         (data.result && data.result.title) || ""));
      });
    }).catch(function (error) {
      window.crm.toast(error.message, "danger");
    }).finally(function () { button.disabled = false; });
  });
}());
