/* survey-engine pages: a little JavaScript on top of pages that work without it.
   - conditional questions appear and disappear as answers change (show_if evaluated
     here the same way as on the server: a condition on a hidden or unanswered
     question is false);
   - autosave of the area form through the same form endpoint (header X-Autosave),
     with the response's revision, merged per question on the server; a 409 shows the
     other person's values and keeps the user's input (details at "autosave" below);
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
    if (section.hasAttribute("data-provided")) return undefined; // another unit's answer (read-only): the saved value
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

  /* ------------------------------------------------------------ autosave
     A choice is saved at once, typed text after a short pause; leaving the page (an
     area link, another page, closing the tab) sends what is not saved yet with a
     keepalive request, which the browser finishes after the page is gone, and warns
     only while something is unsaved. Answers are merged per question on the server:
     questions someone else changed are put into the form with "Ändrad av X", and an
     invalid answer is shown at its question while the rest of the area is saved. */

  var status = document.getElementById("save-status");
  var conflict = document.getElementById("conflict");
  var revision = document.getElementById("revision");
  var timer = null, saving = false, again = false, blocked = false;
  var edits = 0, savedEdits = 0, sentEdits = 0;  // counters: changes made, saved, sent
  var touched = {};  // question id -> edit number of its last change
  var confirmed = {};  // question id -> edit number its badge last reported as saved

  /* The per-question badge (a small status region at each question, announced by
     screen readers): "Sparat" once the question's latest change is stored, "Inte
     sparat" when its save was refused or failed; empty again while it is edited. */
  function badge(qid, ok) {
    var q = questionOf(qid);
    var el = q && document.getElementById(q.dom + "-save");
    if (!el) return;
    el.classList.toggle("is-saved", ok === true);
    el.classList.toggle("is-failed", ok === false);
    el.textContent = ok === true ? (text.q_saved || "") : (ok === false ? (text.q_failed || "") : "");
  }

  /* After a save of the edits up to `sentAt`: every question changed in it is saved,
     except those named in `failed`; `all` marks them all as not saved. */
  function badges(sentAt, failed, all) {
    Object.keys(touched).forEach(function (qid) {
      var at = touched[qid];
      if (at > sentAt || at <= (confirmed[qid] || 0)) return;  // changed again since, or already told
      if (all || (failed && qid in failed)) { badge(qid, false); return; }
      confirmed[qid] = at;
      badge(qid, true);
    });
  }

  function state(value) { if (form) form.setAttribute("data-save-state", value); }

  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function questionOf(qid) {
    return (data && data.questions || []).filter(function (x) { return x.id === qid; })[0];
  }

  function qidOf(element) {
    var section = element && element.closest ? element.closest("section.question") : null;
    return section ? section.getAttribute("data-qid") : null;
  }

  function noteAt(section, className, id) {
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = className;
      var anchor = section.querySelector("legend, label");
      (anchor && anchor.parentNode === section.firstElementChild ? anchor.parentNode : section)
        .insertBefore(note, anchor ? anchor.nextSibling : section.firstChild);
    }
    return note;
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
      var q = questionOf(qid);
      var section = q && document.getElementById(q.dom);
      if (!section) return;
      var note = noteAt(section, "theirs js", q.dom + "-theirs-js");
      note.textContent = (text.theirs || "") + " " + body.theirs[qid];
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

  /* Someone else's newer answers, kept by the merge: into the form (unless the user has
     changed that question since this save was sent), with who and when. */
  function applyChanged(changed, sentAt) {
    Object.keys(changed || {}).forEach(function (qid) {
      var c = changed[qid];
      var section = document.getElementById(c.dom);
      if (!section) return;
      var by = document.getElementById(c.dom + "-changed");
      if (by) { by.textContent = (text.changed || "") + " " + c.by + " " + c.at; by.hidden = false; }
      if ((touched[qid] || 0) > sentAt) return;
      var name = "a:" + qid;
      var inputs = form.querySelectorAll('[name="' + cssEscape(name) + '"]');
      if (c.type === "choice") {
        inputs.forEach(function (i) { i.checked = (i.value === c.value); });
      } else if (c.type === "multi") {
        inputs.forEach(function (i) {
          i.checked = i.hasAttribute("data-none-of-these") ? (Array.isArray(c.value) && !c.value.length)
            : (Array.isArray(c.value) && c.value.indexOf(i.value) >= 0);
        });
      } else if (inputs.length) {
        inputs[0].value = c.input === null ? "" : String(c.input);
      }
      var comment = form.querySelector('[name="' + cssEscape("c:" + qid) + '"]');
      var evidence = form.querySelector('[name="' + cssEscape("e:" + qid) + '"]');
      if (comment) comment.value = c.comment;
      if (evidence) evidence.value = c.evidence;
    });
    updateVisibility();
  }

  /* Invalid answers: shown at each question (with its text in the status line); the
     marks of questions that are now saved are removed. */
  function showErrors(errors, questions) {
    document.querySelectorAll(".field-error.js").forEach(function (n) {
      var qid = qidOf(n);
      if (!errors || !(qid in errors)) {
        n.remove();
        var section = document.getElementById((questionOf(qid) || {}).dom || "");
        if (section) section.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
      }
    });
    if (!errors) {
      form.querySelectorAll(".field-error:not(.js)").forEach(function (n) { n.hidden = true; });
      form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
      return [];
    }
    var lines = [];
    Object.keys(errors).forEach(function (qid) {
      var q = questionOf(qid);
      var section = q && document.getElementById(q.dom);
      lines.push("«" + ((questions || {})[qid] || qid) + "»: " + errors[qid]);
      if (!section) return;
      var old = document.getElementById(q.dom + "-error");
      if (old && !old.classList.contains("js")) old.remove();
      var note = noteAt(section, "field-error js", q.dom + "-error");
      note.textContent = (text.error || "") + " " + errors[qid];
      var input = section.querySelector("input[type=text], textarea:not([name^='c:']):not([name^='e:'])");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (described.indexOf(note.id) < 0) described.push(note.id);
        input.setAttribute("aria-describedby", described.join(" "));
      }
    });
    return lines;
  }

  function save(keepalive) {
    if (!form || blocked) return;
    if (timer) { clearTimeout(timer); timer = null; }
    if (saving && !keepalive) { again = true; return; }
    var sentAt = edits;
    sentEdits = Math.max(sentEdits, sentAt);
    saving = true;
    state("saving");
    say(text.saving || "…");
    var body = new FormData(form);
    body.delete("go");
    var options = {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "X-Autosave": "1", "Accept": "application/json" }
    };
    var request;
    try { request = fetch(form.action, options); }
    catch (e) { options.keepalive = false; request = fetch(form.action, options); }  // body too large for keepalive
    request.then(function (res) {
      return res.json().then(function (json) { return { status: res.status, body: json }; });
    }).then(function (r) {
      var ok = r.status >= 200 && r.status < 300;
      if (ok || (r.status === 422 && r.body.revision !== undefined)) {
        revision.value = String(r.body.revision);
        savedEdits = Math.max(savedEdits, sentAt);
        showProgress(r.body.progress || {});
        applyChanged(r.body.changed, sentAt);
        var lines = showErrors(ok ? null : r.body.errors, r.body.questions);
        badges(sentAt, ok ? null : r.body.errors, false);
        say(ok ? r.body.message : r.body.message + " " + lines.join("; "), !ok);
        state(!ok ? "invalid" : (again || timer || edits > savedEdits ? "pending" : "saved"));
      } else if (r.status === 409 && r.body.revision !== undefined) {
        say("");
        showConflict(r.body);
        badges(sentAt, null, true);
        state("conflict");
      } else {
        say((r.body && r.body.message) || text.failed, true);
        badges(sentAt, null, true);
        state("error");
      }
    }).catch(function () {
      say(text.failed || "!", true);
      badges(sentAt, null, true);
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

  function edited(event) {
    edits += 1;
    var qid = qidOf(event.target);
    if (!qid) return;
    if ((touched[qid] || 0) <= (confirmed[qid] || 0)) badge(qid, null);  // no longer "Sparat"
    touched[qid] = edits;
  }

  /* Leaving: send what is not saved yet; the browser completes a keepalive request
     after the page is gone. */
  function flush() {
    if (!form || blocked || form.getAttribute("data-autosave") !== "on") return;
    if (edits > sentEdits || timer) save(true);
  }

  if (form) {
    updateVisibility();
    var autosave = form.getAttribute("data-autosave") === "on";
    form.addEventListener("change", function (event) {
      noneOfThese(event);
      updateVisibility();
      var t = event.target;
      var typed = t && (t.tagName === "TEXTAREA" || t.type === "text");
      if (!typed) edited(event);
      if (autosave) { if (typed) scheduleSave(300); else save(); }
    });
    form.addEventListener("input", function (event) {
      var t = event.target;
      if (t && (t.tagName === "TEXTAREA" || t.type === "text")) {
        edited(event);
        updateVisibility();
        if (autosave) scheduleSave(800);
      }
    });
    form.addEventListener("submit", function () {
      if (timer) { clearTimeout(timer); timer = null; }  // the form itself carries every answer
    });
    if (autosave) {
      document.addEventListener("click", function (event) {
        var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
        if (link && !event.defaultPrevented) flush();
      });
      window.addEventListener("pagehide", flush);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") flush();
      });
      /* A warning only while something cannot be saved on the way out: a conflict to
         resolve, or a save that failed or was refused. */
      window.addEventListener("beforeunload", function (event) {
        flush();
        var stuck = blocked || /^(error|invalid|conflict)$/.test(form.getAttribute("data-save-state") || "");
        if (stuck && edits > savedEdits) { event.preventDefault(); event.returnValue = ""; }
      });
    }
  }

  /* ------------------------------------------------------------ the browser's check, in the page's language
     A field with data-invalid-message says that text when the browser refuses its value
     (empty or not matching its pattern), instead of the browser's own words, which
     follow the browser's language and not the page's. */

  document.querySelectorAll("input[data-invalid-message]").forEach(function (input) {
    input.addEventListener("invalid", function () {
      if (!input.validity.customError) input.setCustomValidity(input.getAttribute("data-invalid-message"));
    });
    input.addEventListener("input", function () { input.setCustomValidity(""); });
  });

  /* ------------------------------------------------------------ confirm before submitting */

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
