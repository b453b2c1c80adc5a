/* Import progress (templates/crm/import_progress.html): polls the run's status URL
   (#import-state[data-status-url]) every second and fills the progress bar; a run that
   stopped and can go on shows its Resume form (#import-resume). */
(function () {
  "use strict";
  var state = document.getElementById("import-state"), bar = document.getElementById("import-bar");
  var resume = document.getElementById("import-resume");
  if (!state || !bar) { return; }
  function poll() {
    fetch(state.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      var pct = s.total ? Math.round(100 * s.progress / s.total) : 100;
      bar.style.width = pct + "%"; bar.textContent = pct + "%";
      if (s.status === "running") { state.textContent = s.progress + " / " + s.total; setTimeout(poll, 1000); }
      else {
        state.textContent = s.message || s.status;
        if (s.resumable && resume) { resume.hidden = false; }
      }
    });
  }
  poll();
}());
