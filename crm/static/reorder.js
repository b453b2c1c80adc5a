/* Drag-to-reorder for settings lists (lead statuses, pipelines, a pipeline's stages).
 *
 * The list's <tbody class="crm-sortable"> holds rows <tr data-id="..."> with a
 * .crm-drag handle. After a drop the new order of every id is POSTed as JSON
 * {"ids": [...]} to the view's reorder endpoint with the CSRF token (crm.js); the server
 * checks it and answers {"message"} (2xx) or {"message"} with a 4xx, in which
 * case the rows go back to the order they had.
 */
(function () {
  "use strict";
  var script = document.currentScript;

  function say(message, kind) {
    var box = document.querySelector(".crm-reorder-alert");
    if (!box) { return; }
    box.className = "alert crm-reorder-alert alert-" + kind;
    box.textContent = message;
    box.style.display = message ? "" : "none";
  }

  function ids(body) {
    return Array.prototype.map.call(body.querySelectorAll("tr[data-id]"),
                                    function (row) { return row.getAttribute("data-id"); });
  }

  function restore(body, order) {
    order.forEach(function (id) {
      body.appendChild(body.querySelector('tr[data-id="' + id + '"]'));
    });
  }

  function save(body, before) {
    body.setAttribute("data-saving", "1");
    return fetch(script.getAttribute("data-reorder-url"), {
      method: "POST", credentials: "same-origin",
      headers: crm.csrfHeaders({"Content-Type": "application/json", "Accept": "application/json"}),
      body: JSON.stringify({ids: ids(body)})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.message || script.getAttribute("data-save-failed"));
        }
        say(script.getAttribute("data-saved"), "success");
      });
    }).catch(function (error) {
      restore(body, before);
      // A network failure (TypeError) has only the browser's English words: say ours.
      say(error instanceof TypeError ? script.getAttribute("data-save-failed") : error.message,
          "danger");
    }).finally(function () { body.setAttribute("data-saving", "0"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("tbody.crm-sortable").forEach(function (body) {
      var before = null;
      new Sortable(body, {
        handle: ".crm-drag", draggable: "tr", animation: 120,
        onStart: function () { before = ids(body); },
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) { save(body, before); }
        }
      });
    });
  });
}());
