/* Báo cáo: draws each chart from the figures the page passes in #report-charts (json_script;
   the CSP allows scripts from files only). The tables beneath the charts hold the same
   figures, so without this script nothing is missing but the pictures. Installed once:
   Turbo swaps the body, the listeners stay on the document. */
(function () {
  if (window.vanbanReportsInstalled) return;
  window.vanbanReportsInstalled = true;

  var PALETTE = ["#1565c0", "#00838f", "#6a1b9a", "#9e9d24", "#5d4037", "#ad1457", "#283593",
    "#546e7a", "#ef6c00", "#2e7d32", "#c62828"];
  // A figure's colour follows its meaning, the same in every chart: done in time green, late
  // orange, past the deadline red, refused purple, not begun grey.
  var MEANING = {
    on_time: "#2e7d32", late: "#ef6c00", overdue: "#c62828", in_time: "#1565c0",
    waiting: "#9e9e9e", rest: "#bdbdbd", refused: "#8e24aa",
    completed: "#2e7d32", recalled: "#c62828", withdrawn: "#757575", returned: "#ef6c00",
    dispatched: "#1565c0", delivered: "#9e9e9e", acknowledged: "#1565c0",
    assigned: "#00838f", in_progress: "#6a1b9a"
  };

  function colour(key, index) { return MEANING[key] || PALETTE[index % PALETTE.length]; }

  // Tells the page (and its tests) that Chart.js has drawn this canvas.
  var drawnMark = {
    id: "vbDrawn",
    afterRender: function (chart) { chart.canvas.setAttribute("data-drawn", "true"); }
  };

  // A recipient is told apart by the end of its name (…phường Bắc Sơn): on a narrow chart
  // the axis keeps that end; the tooltip and the table have the whole name.
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    var room = this.chart.width < 500 ? 24 : 48;
    return label.length > room ? "\u2026" + label.slice(label.length - room + 1) : label;
  }

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
      y: { stacked: stacked, ticks: { autoSkip: false, callback: shortLabel } }
    };
    return base;
  }

  function datasets(spec) {
    return spec.datasets.map(function (set, index) {
      var colours = spec.type === "stacked" ? colour(set.key, index)
        : spec.keys.map(function (key, i) { return colour(key, i); });
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
