/* The lists' search as you type and column chooser (templates/crm/model_list.html).
 *
 * A list's search box (input[type=search] of form.crm-search) reloads the list 300 ms
 * after the user stops typing: the page is fetched with the box's form and the parts
 * marked data-crm-live are swapped in, so the box keeps focus and caret. The address
 * follows (history.replaceState): reload, export and "Save current view…" see the same
 * search. Sort, page size and chosen columns stay; the page number goes back to the first.
 * The column chooser keeps at least one column ticked.
 */
(function () {
  "use strict";

  var DELAY = 300;
  var timer = null;
  var latest = 0;

  function searchUrl(form) {
    var url = new URL(window.location.href);
    var params = url.searchParams;
    Array.from(params.keys()).forEach(function (key) {
      if (/^page_/.test(key) || key === "_view") { params.delete(key); }
    });
    form.querySelectorAll("[name]").forEach(function (field) { params.delete(field.name); });
    new FormData(form).forEach(function (value, key) {
      if (value !== "") { params.append(key, value); }
    });
    return url.toString();
  }

  function swapLiveParts(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll("[data-crm-live]").forEach(function (part) {
      var name = part.getAttribute("data-crm-live");
      var next = fresh.querySelector('[data-crm-live="' + name + '"]');
      if (next) {
        part.replaceWith(document.importNode(next, true));
      } else {
        part.innerHTML = "";
      }
    });
  }

  function reload(form) {
    var url = searchUrl(form);
    var ticket = ++latest;
    var list = document.querySelector('[data-crm-live="list"]');
    if (list) { list.setAttribute("aria-busy", "true"); }
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (ticket !== latest) { return; }  // an answer to an older search
        swapLiveParts(html);
        window.history.replaceState(null, "", url);
        document.dispatchEvent(new CustomEvent("crm:list-reloaded"));
      })
      .catch(function () {
        if (ticket === latest) { form.submit(); }  // fall back to a plain search
      });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("form.crm-search input[type=search]")) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { reload(box.form); }, DELAY);
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".crm-column-chooser input[type=checkbox]")) { return; }
    var chooser = box.closest(".crm-column-chooser");
    if (!chooser.querySelector("input[type=checkbox]:checked")) { box.checked = true; }
  });
})();
