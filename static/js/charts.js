/* Draws the charts of templates/includes/chart.html with plotly.js: each figure is JSON in a
   json_script element (no inline script, so the content security policy stays strict), named by
   its container's data-chart. Also the button that shows a chart's data as a table. */
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.dataset.chart);
    if (!source || !window.Plotly || container.dataset.drawn) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    container.dataset.drawn = "true";
    window.Plotly.newPlot(container, figure.data, figure.layout, figure.config);
  }

  function toggle(button) {
    var table = document.getElementById(button.getAttribute("aria-controls"));
    if (!table) {
      return;
    }
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? button.dataset.labelHide : button.dataset.labelShow;
    table.hidden = !open;
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-chart-toggle]");
    if (button) {
      toggle(button);
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
