/* Kanban boards (deals by stage, leads by status).
 *
 * The page renders the columns with their totals; this script loads each
 * column's cards page by page (first page at once, more on scroll), lets cards
 * be dragged between columns with SortableJS, and asks the server to record the
 * move. The server decides: when it refuses (no permission, a rule), the card
 * goes back where it was and its message is shown.
 *
 * Each card also gets a "Move to…" list of the other columns, so a card moves from
 * the keyboard too; every saved move is announced in the board's status region.
 *
 * Markup (see templates/crm/kanban.html):
 *   .crm-kanban[data-move-url][data-move-failed][data-move-label][data-moved-message]
 *     .crm-kanban-status (aria-live)
 *     .crm-kanban-column[data-column-id][data-cards-url][data-ask-label?]
 *       .crm-kanban-count, .crm-kanban-total, .crm-kanban-cards, .crm-kanban-more
 * Cards endpoint: GET cards-url?offset=N -> {"cards": [{"id", "html"}], "next_offset": N|null}
 * Move endpoint:  POST {"id", "column_id", "reason"?} -> {"columns": {id: {"count", "total"}}}
 *                 or 4xx {"message"}.
 */
(function () {
  "use strict";

  function alertBox(board, message, kind) {
    var box = board.querySelector(".crm-kanban-alert");
    box.className = "crm-kanban-alert alert alert-" + (kind || "danger");
    box.textContent = message;
    box.style.display = message ? "" : "none";
  }

  function loadCards(column) {
    var board = column.closest(".crm-kanban");
    var url = column.getAttribute("data-cards-url");
    var offset = column.getAttribute("data-next-offset");
    if (offset === null || offset === "" || column.getAttribute("data-loading") === "1") {
      return Promise.resolve();
    }
    column.setAttribute("data-loading", "1");
    var separator = url.indexOf("?") >= 0 ? "&" : "?";
    return fetch(url + separator + "offset=" + offset, {credentials: "same-origin",
                                                       headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (page) {
        var list = column.querySelector(".crm-kanban-cards");
        page.cards.forEach(function (card) {
          var holder = document.createElement("div");
          holder.innerHTML = card.html.trim();
          var element = holder.firstElementChild;
          element.setAttribute("data-card-id", card.id);
          list.appendChild(element);
          if (board.getAttribute("data-read-only") !== "1") { moveMenu(board, element); }
        });
        column.setAttribute("data-next-offset", page.next_offset === null ? "" : page.next_offset);
        column.querySelector(".crm-kanban-more").style.display = page.next_offset === null ? "none" : "";
      })
      .finally(function () { column.setAttribute("data-loading", "0"); });
  }

  function updateTotals(board, columns) {
    Object.keys(columns || {}).forEach(function (id) {
      var column = board.querySelector('.crm-kanban-column[data-column-id="' + id + '"]');
      if (!column) { return; }
      column.querySelector(".crm-kanban-count").textContent = columns[id].count;
      var total = column.querySelector(".crm-kanban-total");
      if (total) { total.textContent = columns[id].total; }
    });
  }

  function columnTitle(column) {
    return column.querySelector(".crm-kanban-title").textContent.trim();
  }

  function cardTitle(card) {
    var title = card.querySelector("a");
    return title ? title.textContent.trim() : "";
  }

  function announce(board, card, column) {
    var text = (board.getAttribute("data-moved-message") || "")
      .replace("{card}", cardTitle(card))
      .replace("{column}", columnTitle(column))
      .replace("{count}", column.querySelector(".crm-kanban-count").textContent.trim());
    board.querySelector(".crm-kanban-status").textContent = text;
  }

  // The card's "Move to…" list: the columns it is not in.
  function moveMenu(board, card) {
    var old = card.querySelector(".crm-card-move");
    if (old) { old.remove(); }
    var here = card.closest(".crm-kanban-column");
    var menu = document.createElement("select");
    menu.className = "form-control input-sm crm-card-move";
    var label = board.getAttribute("data-move-label") || "";
    menu.setAttribute("aria-label", label + " " + cardTitle(card));
    var prompt = document.createElement("option");
    prompt.value = "";
    prompt.textContent = label;
    menu.appendChild(prompt);
    board.querySelectorAll(".crm-kanban-column").forEach(function (column) {
      if (column === here) { return; }
      var option = document.createElement("option");
      option.value = column.getAttribute("data-column-id");
      option.textContent = columnTitle(column);
      menu.appendChild(option);
    });
    menu.addEventListener("change", function () {
      if (!menu.value) { return; }
      var target = board.querySelector('.crm-kanban-column[data-column-id="' + menu.value + '"]');
      var from = card.parentNode;
      var event = {from: from, to: target.querySelector(".crm-kanban-cards"), item: card,
                   oldIndex: Array.prototype.indexOf.call(from.children, card)};
      card.setAttribute("data-keyboard-move", "1");
      event.to.insertBefore(card, event.to.firstChild);
      moved(board, event);
    });
    // Before the card's quick-log buttons: from the title, Tab reaches the move first.
    card.insertBefore(menu, card.querySelector(".crm-quick-log-buttons"));
    return menu;
  }

  function putBack(event) {
    var before = event.from.children[event.oldIndex] || null;
    event.from.insertBefore(event.item, before);
  }

  // After a move (saved or put back): the card's list names the columns it may go to,
  // and a move made from the keyboard keeps the focus on the card's list.
  function settle(board, card, before) {
    if (board.getAttribute("data-read-only") === "1") { return; }
    var fromKeyboard = before.getAttribute("data-keyboard-move") === "1";
    before.removeAttribute("data-keyboard-move");
    var menu = moveMenu(board, card);
    if (fromKeyboard) { menu.focus(); }
  }

  function moved(board, event) {
    if (event.from === event.to) { return; }
    var target = event.to.closest(".crm-kanban-column");
    var body = {id: event.item.getAttribute("data-card-id"),
                column_id: target.getAttribute("data-column-id")};
    var ask = target.getAttribute("data-ask-label");
    // The server's messages are translated; this one (in the page's language) is for
    // answers without one (a proxy's error page, a lost connection).
    var failed = board.getAttribute("data-move-failed") || "";
    if (ask) {
      var reason = window.prompt(ask, "");
      if (reason === null) { putBack(event); settle(board, event.item, event.item); return; }
      body.reason = reason;
    }
    fetch(board.getAttribute("data-move-url"), {
      method: "POST", credentials: "same-origin",
      headers: crm.csrfHeaders({"Content-Type": "application/json", "Accept": "application/json"}),
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || failed); }
        return data;
      });
    }).then(function (data) {
      alertBox(board, "");
      updateTotals(board, data.columns);
      var card = event.item;
      if (data.html) {
        var holder = document.createElement("div");
        holder.innerHTML = data.html.trim();
        card = holder.firstElementChild;
        card.setAttribute("data-card-id", body.id);
        event.item.replaceWith(card);
      }
      settle(board, card, event.item);
      announce(board, card, target);
    }).catch(function (error) {
      putBack(event);
      settle(board, event.item, event.item);
      // A network failure (TypeError) has only the browser's English words: say ours.
      alertBox(board, error instanceof TypeError ? failed : error.message);
    });
  }

  function setUp(board) {
    var readOnly = board.getAttribute("data-read-only") === "1";
    board.querySelectorAll(".crm-kanban-column").forEach(function (column) {
      column.setAttribute("data-next-offset", "0");
      var list = column.querySelector(".crm-kanban-cards");
      list.addEventListener("scroll", function () {
        if (list.scrollTop + list.clientHeight >= list.scrollHeight - 80) { loadCards(column); }
      });
      column.querySelector(".crm-kanban-more").addEventListener("click", function (e) {
        e.preventDefault();
        loadCards(column);
      });
      loadCards(column);
      new Sortable(list, {
        group: board.id || "crm-kanban", sort: false, animation: 120,
        disabled: readOnly, draggable: ".crm-card",
        // The card's "Move to…" list and quick-log buttons are for clicking, not drag handles.
        filter: ".crm-card-move, .crm-quick-log", preventOnFilter: false,
        onEnd: function (event) { moved(board, event); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".crm-kanban").forEach(setUp);
  });
}());
