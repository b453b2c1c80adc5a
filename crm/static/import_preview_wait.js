/* A large file's preview (templates/crm/import_preview_wait.html): polls its job's status
   every second, moves the bar, and reloads the page when the job has ended (the preview,
   or the job's error and a Check again button). */
(function () {
  "use strict";
  var state = document.getElementById("preview-state"), bar = document.getElementById("preview-bar");
  if (!state || !bar) { return; }
  if (state.dataset.status !== "queued" && state.dataset.status !== "running") { return; }
  function poll() {
    fetch(state.dataset.statusUrl, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        var job = answer.jobs[0];
        if (!job) { return; }
        bar.style.width = job.percent + "%"; bar.textContent = job.percent + "%";
        if (job.total) { state.textContent = job.done + " / " + job.total; }
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 1000); }
        else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
}());
