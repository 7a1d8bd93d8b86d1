// Survey dashboard: "Copier le lien" buttons copy the public link of their campaign (the field
// named by data-copier) and say so in the status next to them. Without the Clipboard API (page
// not served over HTTPS), the link is selected so that the user can copy it with the keyboard.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copier]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-copier");
      var field = document.getElementById(id);
      var status = document.getElementById("copie-" + id);
      if (!field) { return; }
      var say = function (text) { if (status) { status.textContent = text; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { say("Lien copié."); },
          function () { field.select(); say("Copie impossible : le lien est sélectionné, copiez-le (Ctrl+C)."); }
        );
      } else {
        field.focus();
        field.select();
        say("Le lien est sélectionné : copiez-le (Ctrl+C).");
      }
    });
  });
})();
