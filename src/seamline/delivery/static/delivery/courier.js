/* The courier's page: a form marked data-once is sent once per tap. A second tap within a few seconds (a
   double tap, an impatient retry while the photo uploads) is held back in the browser; the server's actions
   are idempotent anyway, so a retry that does get through changes nothing twice. */
(function () {
  "use strict";
  var HOLD_MS = 8000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) {
      return;
    }
    var sent = Number(form.getAttribute("data-sent") || 0);
    if (sent && Date.now() - sent < HOLD_MS) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", String(Date.now()));
    form.classList.add("htmx-request"); /* the existing dimmed-button look while it is sent */
  });
})();
