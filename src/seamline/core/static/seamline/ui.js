/* What the pages' controls do beyond plain HTML, kept out of the pages: the Content-Security-Policy runs no
   inline script (core/csp.py).
   - a form with data-confirm asks before it submits;
   - a select with data-autosubmit submits its form when it changes (the organization switcher);
   - a button with data-print prints the page (lay sheets). */
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("change", function (event) {
  if (event.target.hasAttribute("data-autosubmit") && event.target.form) {
    event.target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
