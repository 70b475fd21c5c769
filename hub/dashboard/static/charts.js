// Draw every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">.
// The server decides what to show; this file only hands the data to Chart.js.
(function () {
  "use strict";
  const palette = ["#b3261e", "#1f6feb", "#1a7f37", "#bf8700", "#8250df", "#cf222e", "#0a7ea4", "#6e7781", "#d4a72c", "#57606a"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    const spec = JSON.parse(source.textContent);
    spec.datasets.forEach(function (set, i) {
      set.backgroundColor = set.backgroundColor || palette[i % palette.length];
      set.borderColor = set.borderColor || palette[i % palette.length];
    });
    new Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: spec.type === "doughnut" ? {} : { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" }, title: { display: !!spec.title, text: spec.title } }
      }
    });
    canvas.dataset.drawn = "1";
  });
})();
