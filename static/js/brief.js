/* The council brief (templates/calculation/dashboard/brief.html): the "print" button (no inline
   script: the content security policy refuses it), and the charts redrawn at the width of the
   paper before printing and at the screen's after. */
(function () {
  "use strict";

  function resizeCharts() {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll(".brief [data-chart]").forEach(function (figure) {
      if (figure.dataset.drawn) {
        window.Plotly.Plots.resize(figure);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
})();
