/* Moves the focus to the error summary after a failed submit, so that a screen reader reads the
   problems first and a keyboard user starts from their links. Loaded by the summary itself
   (templates/includes/error_summary.html): on a full page and when htmx swaps a form back in. */
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }

  if (!window.siexErrorSummary) {
    window.siexErrorSummary = true;
    // htmx puts the focus back where it was after a swap; the summary takes it once that is done.
    document.addEventListener("htmx:afterSettle", function (event) {
      if (event.target.querySelector && event.target.querySelector(".error-summary")) {
        focusSummary();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
