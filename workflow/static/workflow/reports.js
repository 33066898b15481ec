/* Báo cáo: draws each chart from the figures the page passes in #report-charts (json_script;
   the CSP allows scripts from files only). The tables beneath the charts hold the same
   figures, so without this script nothing is missing but the pictures. Installed once:
   Turbo swaps the body, the listeners stay on the document. */
(function () {
  if (window.vanbanReportsInstalled) return;
  window.vanbanReportsInstalled = true;

  var PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#c62828", "#6a1b9a", "#00838f", "#9e9d24",
    "#5d4037", "#546e7a", "#ad1457", "#283593"];
  // The recipients' chart: on time, late, past the deadline now.
  var TIMELINESS = ["#2e7d32", "#ef6c00", "#c62828"];

  // Tells the page (and its tests) that Chart.js has drawn this canvas.
  var drawnMark = {
    id: "vbDrawn",
    afterRender: function (chart) { chart.canvas.setAttribute("data-drawn", "true"); }
  };

  function options(spec) {
    var stacked = spec.type === "stacked";
    var base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: spec.type === "doughnut" || stacked, position: "bottom" } }
    };
    if (spec.type === "doughnut") return base;
    base.indexAxis = "y";
    base.scales = {
      x: { beginAtZero: true, stacked: stacked, ticks: { precision: 0 } },
      y: { stacked: stacked, ticks: { autoSkip: false } }
    };
    return base;
  }

  function datasets(spec) {
    return spec.datasets.map(function (set, index) {
      var colours = spec.type === "stacked" ? TIMELINESS[index % TIMELINESS.length]
        : spec.labels.map(function (_label, i) { return PALETTE[i % PALETTE.length]; });
      return { label: set.label, data: set.data, backgroundColor: colours, borderWidth: 0 };
    });
  }

  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || !window.Chart) return;
    JSON.parse(source.textContent).forEach(function (spec) {
      var canvas = document.getElementById(spec.id);
      if (!canvas || window.Chart.getChart(canvas)) return;
      new window.Chart(canvas, {
        type: spec.type === "doughnut" ? "doughnut" : "bar",
        data: { labels: spec.labels, datasets: datasets(spec) },
        options: options(spec),
        plugins: [drawnMark]
      });
    });
  }

  function ready() {
    if (window.Chart) { draw(); return; }
    var library = document.getElementById("vb-chartjs");
    if (library) library.addEventListener("load", draw, { once: true });
  }

  document.addEventListener("DOMContentLoaded", ready);
  document.addEventListener("turbo:load", ready);
  if (document.readyState !== "loading") ready();
})();
