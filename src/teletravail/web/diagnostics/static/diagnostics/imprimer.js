// The « Imprimer » button of the diagnostic page prints it (a static file: the CSP forbids
// inline scripts).
"use strict";
document.querySelectorAll("[data-imprimer]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
