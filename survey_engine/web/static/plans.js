/* Plan page (docs/web-pages.md, "Plan pages"): each action's form is saved by fetch,
   so the page does not reload, the scroll position stays and what was typed in other
   actions' forms is kept. The answer says "Sparat HH:MM" beside the action, or why not.
   Every form carries the plan's revision: after a save all forms get the new one.
   Without this script the forms post normally and the server redirects back to the
   action with the message beside it. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-plan-action]");
  if (!forms.length || !window.fetch || !window.FormData) return;

  function setRevision(revision) {
    if (revision === null || revision === undefined) return;
    document.querySelectorAll('input[name="revision"]').forEach(function (input) {
      input.value = String(revision);
    });
  }

  function show(form, ok, message, items) {
    var state = form.querySelector(".save-state");
    if (!state) return;
    state.classList.toggle("save-ok", ok);
    state.classList.toggle("save-error", !ok);
    state.textContent = (ok ? "\u2713 " : "") + message + (items && items.length ? " " + items.join("; ") : "");
  }

  function updatePeriods(data) {
    (data.periods || []).forEach(function (p) {
      var effort = document.querySelector('[data-effort-for="' + p.period + '"]');
      if (effort) effort.textContent = String(p.effort);
      var warning = document.querySelector('[data-over-for="' + p.period + '"]');
      if (warning) warning.hidden = !p.over;
    });
    if (data.action) {
      var row = document.getElementById("action-" + data.action.id);
      if (row) {
        row.setAttribute("data-status", data.action.status || "");
        row.setAttribute("data-period", data.action.period || "");
      }
    }
  }

  forms.forEach(function (form) {
    form.addEventListener("input", function () {
      var state = form.querySelector(".save-state");
      if (state && state.classList.contains("save-ok")) {
        state.classList.remove("save-ok");
        state.textContent = state.getAttribute("data-unsaved") || "";
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      show(form, true, document.documentElement.lang === "en" ? "Saving\u2026" : "Sparar\u2026");
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"X-Plan-Save": "1", "Accept": "application/json"}
      }).then(function (response) {
        return response.json().catch(function () { return {ok: false, message: "HTTP " + response.status}; });
      }).then(function (data) {
        setRevision(data.revision);
        if (data.ok) updatePeriods(data);
        show(form, !!data.ok, data.message || "", data.errors);
      }).catch(function () {
        show(form, false, document.documentElement.lang === "en"
          ? "Not saved: no contact with the server. Your values are kept; try again."
          : "Inte sparat: ingen kontakt med servern. Dina värden finns kvar; försök igen.");
      }).then(function () {
        if (button) button.disabled = false;
      });
    });
  });
})();
