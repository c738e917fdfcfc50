/* Dashboards: the skills line chart.
 *
 * The data comes from `{{ data|json_script:"skills-data" }}` and this file is loaded with a
 * nonce, so the page needs no inline script (strict CSP). Every chart has a table alternative
 * in the page; the canvas carries role="img" and an aria-label.
 */
(function () {
  "use strict";
  var source = document.getElementById("skills-data");
  var canvas = document.getElementById("skills-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Okabe–Ito colours, plus a point shape and dash per skill: never colour alone.
  var colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6100"];
  var shapes = ["circle", "rect", "triangle", "rectRot", "crossRot"];
  var dashes = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2]];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function percent(value) {
    return value === null || value === undefined ? "no marks" : Math.round(value) + "%";
  }

  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (dataset, i) {
        return {
          label: dataset.label,
          data: dataset.data,
          borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length],
          borderDash: dashes[i % dashes.length],
          pointStyle: shapes[i % shapes.length],
          pointRadius: 5,
          pointHoverRadius: 7,
          borderWidth: 2,
          spanGaps: true,
          tension: 0
        };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 400 },
      interaction: { mode: "index", intersect: false },
      scales: {
        y: {
          min: 0,
          max: 100,
          title: { display: true, text: "Share of marks (%)" },
          ticks: { callback: function (value) { return value + "%"; } }
        },
        x: { ticks: { autoSkip: true, maxRotation: 30 } }
      },
      plugins: {
        legend: { position: "bottom", labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: function (context) {
              return context.dataset.label + ": " + percent(context.parsed.y);
            }
          }
        }
      }
    }
  });
})();
