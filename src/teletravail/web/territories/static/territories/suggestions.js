// Suggestions as you type in the territory search box: asks the JSON API for candidates and
// offers them in the input's <datalist> (native, keyboard-accessible); the form still works
// without JavaScript.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var status = document.getElementById("suggestions-statut");
  if (!input || !list) { return; }
  var timer = null;
  var last = "";
  function fill(candidates) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    candidates.slice(0, 8).forEach(function (c) {
      var option = document.createElement("option");
      option.value = c.nom;
      option.label = (c.type === "commune" ? "commune, département " + c.detail : c.detail) +
        " (" + c.code + ")";
      list.appendChild(option);
    });
    if (status) {
      status.textContent = candidates.length ? candidates.length + " suggestion(s)" : "";
    }
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (timer) { clearTimeout(timer); }
    if (q.length < 2 || q === last) { return; }
    timer = setTimeout(function () {
      last = q;
      fetch("/api/v1/territoires?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {candidats: []}; })
        .then(function (data) { if (input.value.trim() === q) { fill(data.candidats || []); } })
        .catch(function () { fill([]); });
    }, 150);
  });
}());
