/* The Jobs screen (templates/crm/jobs.html): polls the status URL every second for the
   queued and running jobs on the page and moves their progress bars; when one ends, the
   page reloads to show its download or error. */
(function () {
  "use strict";
  var table = document.getElementById("crm-jobs");
  if (!table) { return; }
  function active() {
    return Array.prototype.filter.call(table.querySelectorAll("tr.crm-job"), function (row) {
      return row.dataset.status === "queued" || row.dataset.status === "running";
    });
  }
  function poll() {
    var rows = active();
    if (!rows.length) { return; }
    var ids = rows.map(function (row) { return row.dataset.jobId; }).join(",");
    fetch(table.dataset.statusUrl + "?ids=" + ids, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        var ended = false;
        answer.jobs.forEach(function (job) {
          var row = table.querySelector('tr.crm-job[data-job-id="' + job.id + '"]');
          if (!row) { return; }
          var bar = row.querySelector(".crm-job-bar"), count = row.querySelector(".crm-job-count");
          bar.style.width = job.percent + "%"; bar.textContent = job.percent + "%";
          if (job.total) { count.textContent = job.done + " / " + job.total; }
          row.querySelector(".crm-job-status").textContent = job.status_label;
          if (job.status !== row.dataset.status && job.status !== "running") { ended = true; }
          row.dataset.status = job.status;
        });
        if (ended) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
}());
