/* survey-engine pages: a little JavaScript on top of pages that work without it.
   - conditional questions appear and disappear as answers change (show_if evaluated
     here the same way as on the server: a condition on a hidden or unanswered
     question is false);
   - autosave of the area form through the same form endpoint (header X-Autosave),
     with the response's revision; a 409 shows the other person's values and keeps
     the user's input;
   - "none of these" unticks the other boxes of a multi question and back;
   - a confirmation before submitting. */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  var data = readJSON("survey-data");
  var text = readJSON("survey-text") || {};
  var form = document.getElementById("area-form");

  /* ------------------------------------------------------------ conditions */

  function valueOf(question) {
    var section = document.getElementById(question.dom);
    if (!section || !form) return undefined; // not on this page: use the saved value
    var name = "a:" + question.id;
    var inputs = form.querySelectorAll('[name="' + cssEscape(name) + '"]');
    if (question.type === "choice") {
      for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) return inputs[i].value;
      return null;
    }
    if (question.type === "multi") {
      var chosen = [], none = false;
      for (var j = 0; j < inputs.length; j++) {
        if (!inputs[j].checked) continue;
        if (inputs[j].hasAttribute("data-none-of-these")) none = true; else chosen.push(inputs[j].value);
      }
      return chosen.length ? chosen : (none ? [] : null);
    }
    if (!inputs.length) return null;
    var raw = inputs[0].value.trim();
    if (!raw) return null;
    if (question.type === "number") {
      var n = Number(raw.replace(/\s/g, "").replace(",", "."));
      return isFinite(n) ? n : null;
    }
    return raw;
  }

  function holds(cond, visible) {
    if (!cond) return true;
    if (cond.kind === "all") return cond.conditions.every(function (c) { return holds(c, visible); });
    if (cond.kind === "any") return cond.conditions.some(function (c) { return holds(c, visible); });
    if (!(cond.question in visible)) return false;
    var v = visible[cond.question];
    if (cond.kind === "in") return cond.values.indexOf(v) >= 0;
    if (cond.kind === "includes") return Array.isArray(v) && v.indexOf(cond.value) >= 0;
    if (cond.kind === "min") return typeof v === "number" && v >= cond.min;
    return false;
  }

  function updateVisibility() {
    if (!data) return;
    var visible = {};
    data.questions.forEach(function (q) {
      var shown = holds(q.show_if, visible);
      var value = valueOf(q);
      if (value === undefined) value = (q.id in data.others) ? data.others[q.id] : null;
      if (shown && value !== null) visible[q.id] = value;
      var section = document.getElementById(q.dom);
      if (section && section.hidden === shown) section.hidden = !shown;
    });
  }

  function cssEscape(s) {
    return (window.CSS && CSS.escape) ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&");
  }

  /* ------------------------------------------------------------ multi: none of these */

  function noneOfThese(event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") return;
    var group = form.querySelectorAll('[name="' + cssEscape(box.name) + '"]');
    if (box.hasAttribute("data-none-of-these") && box.checked) {
      group.forEach(function (b) { if (b !== box) b.checked = false; });
    } else if (box.checked) {
      group.forEach(function (b) { if (b.hasAttribute("data-none-of-these")) b.checked = false; });
    }
  }

  /* ------------------------------------------------------------ autosave */

  var status = document.getElementById("save-status");
  var conflict = document.getElementById("conflict");
  var revision = document.getElementById("revision");
  var timer = null, saving = false, again = false, blocked = false;

  function state(value) { if (form) form.setAttribute("data-save-state", value); }

  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function showConflict(body) {
    if (!conflict) return;
    blocked = true;
    conflict.textContent = "";
    var p = document.createElement("p");
    p.textContent = body.message;
    conflict.appendChild(p);
    document.querySelectorAll(".theirs.js").forEach(function (n) { n.remove(); });
    Object.keys(body.theirs || {}).forEach(function (qid) {
      var q = (data && data.questions || []).filter(function (x) { return x.id === qid; })[0];
      var section = q && document.getElementById(q.dom);
      if (!section) return;
      var note = document.createElement("p");
      note.className = "theirs js";
      note.textContent = (text.theirs || "") + " " + body.theirs[qid];
      var anchor = section.querySelector("legend, label");
      (anchor && anchor.parentNode === section.firstElementChild ? anchor.parentNode : section)
        .insertBefore(note, anchor ? anchor.nextSibling : section.firstChild);
    });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "primary";
    keep.textContent = text.keep || "Save";
    keep.addEventListener("click", function () {
      revision.value = String(body.revision);
      blocked = false;
      conflict.hidden = true;
      document.querySelectorAll(".theirs.js").forEach(function (n) { n.remove(); });
      save();
    });
    conflict.appendChild(keep);
    conflict.hidden = false;
  }

  function showProgress(progress) {
    Object.keys(progress).forEach(function (areaId) {
      var box = document.querySelector('[data-area-progress="' + cssEscape(areaId) + '"]');
      if (!box) return;
      var done = progress[areaId][0], total = progress[areaId][1];
      var fill = box.querySelector(".progress-fill");
      var label = box.querySelector(".progress-text");
      if (fill) fill.style.width = (total ? Math.round(done / total * 100) : 100) + "%";
      if (label) label.textContent = done + "/" + total;
    });
  }

  function save() {
    if (!form || blocked) return;
    if (saving) { again = true; return; }
    saving = true;
    state("saving");
    say(text.saving || "…");
    var body = new FormData(form);
    body.delete("go");
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Autosave": "1", "Accept": "application/json" }
    }).then(function (res) {
      return res.json().then(function (json) { return { status: res.status, body: json }; });
    }).then(function (r) {
      if (r.status >= 200 && r.status < 300) {
        revision.value = String(r.body.revision);
        say(r.body.message);
        showProgress(r.body.progress || {});
        state(again || timer ? "pending" : "saved");
        form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
      } else if (r.status === 409 && r.body.revision !== undefined) {
        say("");
        showConflict(r.body);
        state("conflict");
      } else {
        say((r.body && r.body.message) || text.failed, true);
        state("error");
      }
    }).catch(function () {
      say(text.failed || "!", true);
      state("error");
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }

  function scheduleSave(delay) {
    if (timer) clearTimeout(timer);
    state("pending");
    timer = setTimeout(function () { timer = null; save(); }, delay);
  }

  if (form) {
    updateVisibility();
    form.addEventListener("change", function (event) {
      noneOfThese(event);
      updateVisibility();
      if (form.getAttribute("data-autosave") === "on") scheduleSave(400);
    });
    form.addEventListener("input", function (event) {
      if (event.target && (event.target.tagName === "TEXTAREA" || event.target.type === "text")) {
        updateVisibility();
        if (form.getAttribute("data-autosave") === "on") scheduleSave(1500);
      }
    });
  }

  /* ------------------------------------------------------------ confirm before submitting */

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
