/* The dashboard's charts: reads the payloads the page embeds (#dashboard-data) and draws
   each with Chart.js (vendored). Money series use a second axis; clicking a bar or slice
   opens the filtered list behind it. The numbers are also in each chart's table. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var locale = (source.getAttribute("data-locale") || "").replace("_", "-") || undefined;
  var palette = ["#2e86c1", "#27ae60", "#c0392b", "#e67e22", "#8e44ad", "#16a085",
                 "#d4ac0d", "#7f8c8d", "#34495e", "#e84393"];
  var drawn = {};

  function colours(n) {
    var out = [];
    for (var i = 0; i < n; i++) { out.push(palette[i % palette.length]); }
    return out;
  }

  function config(chart) {
    var doughnut = chart.type === "doughnut";
    var hasMoney = chart.datasets.some(function (d) { return d.kind === "money"; });
    var hasCounts = chart.datasets.some(function (d) { return d.kind !== "money"; });
    var datasets = chart.datasets.map(function (d, i) {
      var set = {label: d.label, data: d.data};
      if (doughnut) {
        set.backgroundColor = colours(d.data.length);
      } else {
        set.backgroundColor = palette[i % palette.length];
        set.borderColor = palette[i % palette.length];
        if (d.kind === "money" && hasCounts) { set.type = "line"; set.yAxisID = "money"; }
      }
      return set;
    });
    var scales;
    if (!doughnut) {
      scales = {y: {beginAtZero: true, position: "left", ticks: {precision: 0}}};
      if (hasMoney && hasCounts) {
        scales.money = {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}};
      }
      if (hasMoney && !hasCounts) { scales.y.ticks = {}; }
    }
    return {
      type: doughnut ? "doughnut" : "bar",
      data: {labels: chart.labels, datasets: datasets},
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        // Ticks and tooltips write numbers as the page's language does, not the browser's.
        locale: locale,
        scales: scales,
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var link = chart.links[elements[0].index];
          if (link) { window.location.href = link; }
        }
      }
    };
  }

  charts.forEach(function (chart) {
    var canvas = document.querySelector('canvas[data-chart="' + chart.key + '"]');
    if (!canvas) { return; }
    drawn[chart.key] = new Chart(canvas, config(chart));
  });
  window.crmDashboardCharts = drawn;
}());
