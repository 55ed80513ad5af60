// IPT Workbench: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Change the language as soon as it is picked; the button stays for keyboard and no-JS users.
  document.querySelectorAll("form.lang select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Autosave of notes and drafts: the text typed into a form's text areas is kept in this tab's
  // session storage as it is typed, and offered back if the page is reloaded or the tab comes
  // back before the form was saved. Session storage (not local storage) so that clinical text
  // never outlives the tab on a shared clinic computer; signing out clears it.
  var store = window.sessionStorage;
  var restoredNote = document.body.getAttribute("data-draft-restored") || "";
  var dirty = false;
  function keyFor(form, field) {
    return "ipt-draft|" + location.pathname + "|" + form.getAttribute("action") + "|" + field.name;
  }
  document.querySelectorAll("main form[method=post]").forEach(function (form) {
    var restored = false;
    form.querySelectorAll("textarea[name]").forEach(function (field) {
      var key = keyFor(form, field);
      var saved = store ? store.getItem(key) : null;
      if (saved && !field.value) {
        field.value = saved;
        restored = true;
      }
      var timer = null;
      field.addEventListener("input", function () {
        dirty = true;
        if (!store) { return; }
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (field.value) { store.setItem(key, field.value); } else { store.removeItem(key); }
        }, 400);
      });
    });
    if (restored && restoredNote) {
      var note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.textContent = restoredNote;
      form.insertBefore(note, form.firstChild);
    }
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () {
      dirty = false;
      if (!store) { return; }
      form.querySelectorAll("textarea[name]").forEach(function (field) { store.removeItem(keyFor(form, field)); });
    });
  });

  // Signing out forgets every draft of this tab.
  document.querySelectorAll("form[action='/logout']").forEach(function (form) {
    form.addEventListener("submit", function () { if (store) { store.clear(); } });
  });

  // Warn before leaving a form with unsaved typing.
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
})();
