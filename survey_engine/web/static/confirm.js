/* Irreversible admin actions ask first (docs/web-pages.md, "Asking before irreversible
   actions"): a form with data-confirm="question" is sent only after the person says yes.
   A file of its own, no inline script, so a strict Content-Security-Policy can hold. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
