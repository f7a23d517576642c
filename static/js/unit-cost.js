/* The intervention form: choosing a type fills in its unit cost (htmx swaps the cost box out of
   band). The server fills it in only while the box is empty or still holds the unit cost filled
   in before; this keeps what the officer typed while that answer was on its way. */
(function () {
  "use strict";
  var COST = "id_actual_cost";

  document.addEventListener("htmx:configRequest", function () {
    var box = document.getElementById(COST);
    if (box) {
      box.dataset.sent = box.value;
    }
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var box = event.detail.target;
    if (box && box.id === COST && box.dataset.sent !== undefined && box.value !== box.dataset.sent) {
      event.detail.shouldSwap = false;
    }
  });
})();
