// Live survey form. On load, the error summary (if any) takes the focus; its links focus their
// field. On each change, the form is posted to the "evaluer" endpoint, which answers
//   {relevant: {key: bool}, choices: {key: [names]}, labels: {key: text}, hints: {key: text}}
// and the page follows: questions, groups and repeats shown or hidden (attribute hidden), the
// choices of filtered lists shown or hidden (a hidden choice is unchecked and disabled), the
// choices taken from a repeat's answers rebuilt, labels showing answers (${x}) rewritten.
// Without JavaScript the server does all this at each submission or Ajouter/Retirer: nothing is lost.
// The progress ("Questions répondues : x sur y") is recounted on every change.
(function () {
  "use strict";
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
    // A link of the summary moves the focus to its field (not only the scroll position).
    summary.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[href^='#']") : null;
      var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (!target) { return; }
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }
  var form = document.getElementById("formulaire");
  if (!form) { return; }

  // Progress: the questions shown (no hidden ancestor) and how many have an answer; the server
  // renders the same count, this keeps it current as the respondent answers.
  function shown(element) {
    for (var node = element; node && node !== form; node = node.parentElement) {
      if (node.hidden) { return false; }
    }
    return true;
  }

  function answered(question) {
    var fields = question.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.disabled || field.type === "hidden") { continue; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) { return true; }
      } else if (field.value && field.value.trim()) {
        return true;
      }
    }
    return false;
  }

  function updateProgress() {
    var questions = form.querySelectorAll("[data-question]");
    var total = 0;
    var done = 0;
    for (var i = 0; i < questions.length; i++) {
      if (!shown(questions[i])) { continue; }
      total += 1;
      if (answered(questions[i])) { done += 1; }
    }
    var count = document.querySelector("#progression [data-repondues]");
    var all = document.querySelector("#progression [data-total]");
    var bar = document.getElementById("progression-barre");
    if (count && String(done) !== count.textContent) { count.textContent = String(done); }
    if (all && String(total) !== all.textContent) { all.textContent = String(total); }
    if (bar) {
      bar.max = Math.max(total, 1);
      bar.value = done;
      bar.textContent = (total ? Math.round(100 * done / total) : 100) + " %";
    }
  }

  form.addEventListener("change", updateProgress);
  form.addEventListener("input", updateProgress);
  if (!window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-evaluer");
  if (!url) { return; }
  var pending = null;
  var sequence = 0;

  function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function applyRelevant(relevant) {
    var nodes = form.querySelectorAll("[data-key]");
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute("data-key");
      if (own(relevant, key)) { nodes[i].hidden = !relevant[key]; }
    }
  }

  function applyTexts(texts, attribute) {
    var nodes = form.querySelectorAll("[" + attribute + "]");
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute(attribute);
      if (own(texts, key) && nodes[i].textContent !== texts[key]) {
        nodes[i].textContent = texts[key];
      }
    }
  }

  // A filtered list: every choice is in the page, those not offered are hidden and disabled.
  // Returns true when an answer was removed.
  function filterChoices(box, allowed) {
    var removed = false;
    if (box.tagName === "SELECT") {
      for (var i = 0; i < box.options.length; i++) {
        var option = box.options[i];
        if (!option.value) { continue; }
        var shown = allowed.indexOf(option.value) >= 0;
        if (!shown && option.selected) { box.value = ""; removed = true; }
        option.hidden = !shown;
        option.disabled = !shown;
      }
      return removed;
    }
    var items = box.querySelectorAll("[data-choice]");
    for (var j = 0; j < items.length; j++) {
      var ok = allowed.indexOf(items[j].getAttribute("data-choice")) >= 0;
      var input = items[j].querySelector("input");
      if (!ok && input && input.checked) { input.checked = false; removed = true; }
      if (input) { input.disabled = !ok; }
      items[j].hidden = !ok;
    }
    return removed;
  }

  function radioItem(type, name, id, value, checked) {
    var item = document.createElement("div");
    item.className = "fr-fieldset__element";
    item.setAttribute("data-choice", value);
    var group = document.createElement("div");
    group.className = type === "radio" ? "fr-radio-group" : "fr-checkbox-group";
    var input = document.createElement("input");
    input.type = type;
    input.id = id;
    input.name = name;
    input.value = value;
    input.checked = checked;
    var label = document.createElement("label");
    label.className = "fr-label";
    label.htmlFor = id;
    label.textContent = value;
    group.appendChild(input);
    group.appendChild(label);
    item.appendChild(group);
    return item;
  }

  // Choices taken from a repeat's answers: the list is rebuilt. Returns true when an answer was
  // removed.
  function rebuildChoices(box, offered) {
    var removed = false;
    var chosen = [];
    var i;
    if (box.tagName === "SELECT") {
      var current = box.value;
      while (box.options.length > 1) { box.remove(1); }
      for (i = 0; i < offered.length; i++) {
        var option = document.createElement("option");
        option.value = offered[i];
        option.textContent = offered[i];
        box.appendChild(option);
      }
      box.value = offered.indexOf(current) >= 0 ? current : "";
      return Boolean(current) && box.value !== current;
    }
    var old = box.querySelectorAll("[data-choice], [data-vide]");
    for (i = 0; i < old.length; i++) {
      var input = old[i].querySelector("input");
      if (input && input.checked) { chosen.push(input.value); }
      old[i].parentNode.removeChild(old[i]);
    }
    var anchor = box.querySelector(".fr-messages-group");
    var type = box.getAttribute("data-type") || "radio";
    var name = box.getAttribute("data-key");
    for (i = 0; i < offered.length; i++) {
      var item = radioItem(type, name, box.id + "-" + (i + 1), offered[i],
        chosen.indexOf(offered[i]) >= 0);
      box.insertBefore(item, anchor);
    }
    for (i = 0; i < chosen.length; i++) {
      if (offered.indexOf(chosen[i]) < 0) { removed = true; }
    }
    return removed;
  }

  function applyChoices(choices) {
    var removed = false;
    var boxes = form.querySelectorAll("[data-choix]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var key = box.getAttribute("name") || box.getAttribute("data-key");
      if (!own(choices, key)) { continue; }
      if (box.getAttribute("data-choix") === "repetition") {
        removed = rebuildChoices(box, choices[key]) || removed;
      } else {
        removed = filterChoices(box, choices[key]) || removed;
      }
    }
    return removed;
  }

  function evaluate() {
    var data = new FormData(form);
    data.delete("_action");
    sequence += 1;
    var mine = sequence;
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (payload) {
      if (!payload || mine !== sequence) { return; }  // a newer evaluation is on its way
      applyRelevant(payload.relevant || {});
      applyTexts(payload.labels || {}, "data-label");
      applyTexts(payload.hints || {}, "data-hint");
      if (applyChoices(payload.choices || {})) { schedule(0); }  // an answer was removed
      updateProgress();  // questions shown or hidden, choices removed
      form.setAttribute("data-etat", "a-jour");
    }).catch(function () { /* the server checks everything at submission */ });
  }

  function schedule(delay) {
    form.setAttribute("data-etat", "en-cours");
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(evaluate, delay);
  }

  form.addEventListener("change", function () { schedule(150); });
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target && (target.type === "text" || target.type === "number" || target.tagName === "TEXTAREA")) {
      schedule(400);
    }
  });
})();
