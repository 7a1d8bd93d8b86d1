// Live relevance of the survey form: on each change, post the form to the "evaluer" endpoint,
// which answers {relevant: {flat_key: bool}}, and show or hide the questions (attribute hidden).
// Without JavaScript the server renders the relevance at each submission: nothing is lost.
(function () {
  "use strict";
  var form = document.getElementById("formulaire");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-evaluer");
  if (!url) { return; }
  var pending = null;
  function apply(relevant) {
    var nodes = form.querySelectorAll("[data-key]");
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute("data-key");
      if (Object.prototype.hasOwnProperty.call(relevant, key)) {
        nodes[i].hidden = !relevant[key];
      }
    }
  }
  function evaluate() {
    var data = new FormData(form);
    data.delete("_action");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (payload) {
      if (payload && payload.relevant) { apply(payload.relevant); }
    }).catch(function () { /* the server checks everything at submission */ });
  }
  form.addEventListener("change", function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(evaluate, 150);
  });
})();
