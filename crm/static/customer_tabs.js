/* A customer's tabs (templates/crm/customer_show.html): a pane with data-tab-url is
 * fetched the first time its tab is shown, with the page's own query (a related list's
 * page_, psize_, _oc_ and _od_ arguments). The fragment's paging and sorting links point
 * at the fragment; they are turned back into links of the page, which reopens the tab.
 * An interaction logged from the page's header (quick_log.js) reloads the tabs that list it.
 */
(function () {
  "use strict";

  function pageLinks(pane, fragmentPath) {
    pane.querySelectorAll("a[href]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (url.pathname === fragmentPath) {
        link.setAttribute("href", window.location.pathname + url.search);
      }
    });
  }

  function load(pane) {
    var source = pane.getAttribute("data-tab-url");
    if (!source || pane.getAttribute("data-loaded")) { return; }
    pane.setAttribute("data-loaded", "1");
    var url = new URL(source, window.location.href);
    url.search = window.location.search;
    fetch(url.toString(), {credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        pane.innerHTML = html;
        pageLinks(pane, url.pathname);
      })
      .catch(function () {
        pane.removeAttribute("data-loaded");
        var message = document.createElement("p");
        message.className = "text-danger";
        message.textContent = pane.getAttribute("data-error");
        pane.replaceChildren(message);
      });
  }

  function loadTarget(link) {
    var pane = document.getElementById((link.getAttribute("href") || "").replace(/^#/, ""));
    if (pane) { load(pane); }
  }

  document.addEventListener("crm:interaction-logged", function () {
    ["InteractionView", "Timeline"].forEach(function (id) {
      var pane = document.getElementById(id);
      if (!pane || !pane.getAttribute("data-loaded")) { return; }
      pane.removeAttribute("data-loaded");
      if (pane.classList.contains("active")) { load(pane); }
    });
  });

  if (window.jQuery) {
    window.jQuery(document).on("shown.bs.tab", 'a[data-toggle="tab"]', function () { loadTarget(this); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tab-pane.active[data-tab-url]").forEach(load);
  });
}());
