// Job page: poll the job's JSON status every 2 seconds, update the progress bar, and reload the
// page (which then shows the final report) once the job is finished.
(function () {
  "use strict";
  var box = document.getElementById("tache");
  if (!box || box.getAttribute("data-terminee") === "oui") {
    return;
  }
  var url = box.getAttribute("data-etat-url");
  function show(id, text) {
    var el = document.getElementById(id);
    if (el) {
      el.textContent = text;
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (etat) {
        if (!etat) {
          window.setTimeout(poll, 5000);
          return;
        }
        if (etat.terminee) {
          window.location.reload();
          return;
        }
        show("tache-etat", etat.libelle);
        show("tache-etape", etat.etape);
        show("tache-compte", etat.faites + " / " + etat.total + " réponse(s)");
        var bar = document.getElementById("tache-progression");
        if (bar) {
          bar.value = etat.pourcentage;
          bar.textContent = etat.pourcentage + " %";
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
