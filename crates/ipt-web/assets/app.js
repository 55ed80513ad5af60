// IPT Workbench: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  var store = window.sessionStorage;
  var dirty = false;

  function keyFor(form, field) {
    return "ipt-draft|" + location.pathname + "|" + form.getAttribute("action") + "|" + field.name;
  }

  // Autosave of notes and drafts: the text typed into a form's text areas is kept in this tab's
  // session storage as it is typed, and offered back if the page is reloaded or the tab comes
  // back before the form was saved. Session storage (not local storage) so that clinical text
  // never outlives the tab on a shared clinic computer; signing out clears it.
  function autosave(root) {
    var restoredNote = document.body.getAttribute("data-draft-restored") || "";
    root.querySelectorAll("form[method=post]").forEach(function (form) {
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
  }

  // Inline updates: a form in the page's main area is sent in the background and the main area
  // is replaced by the answer (the next page, or the same form with its errors), without a full
  // reload. The address, title and history follow, and focus moves to the new content. Anything
  // unexpected falls back to an ordinary submission.
  function inline(root) {
    root.querySelectorAll("form[method=post]").forEach(function (form) {
      // Signing in changes the whole page (header included): leave it an ordinary submission.
      if (form.getAttribute("action") === "/login") { return; }
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented || !window.fetch || !window.DOMParser) { return; }
        event.preventDefault();
        var body = new URLSearchParams(new FormData(form, event.submitter || undefined));
        fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
          .then(function (res) {
            var type = res.headers.get("content-type") || "";
            if (type.indexOf("text/html") !== 0) { throw new Error("not a page"); }
            return res.text().then(function (html) { return { url: res.url, html: html }; });
          })
          .then(function (page) {
            var doc = new DOMParser().parseFromString(page.html, "text/html");
            var next = doc.querySelector("main");
            var current = document.querySelector("main");
            if (!next || !current) { throw new Error("no main"); }
            var fresh = document.importNode(next, true);
            current.replaceWith(fresh);
            document.title = doc.title;
            if (page.url && page.url !== location.href) { history.pushState({}, "", page.url); }
            enhance(fresh);
            fresh.focus();
            window.scrollTo(0, 0);
          })
          .catch(function () { form.submit(); });
      });
    });
  }

  function enhance(root) {
    autosave(root);
    inline(root);
  }

  // Change the language as soon as it is picked; the button stays for keyboard and no-JS users.
  document.querySelectorAll("form.lang select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Signing out forgets every draft of this tab.
  document.querySelectorAll("form[action='/logout']").forEach(function (form) {
    form.addEventListener("submit", function () { if (store) { store.clear(); } });
  });

  // Going back after an inline update shows the page the address names.
  window.addEventListener("popstate", function () { location.reload(); });

  // Warn before leaving a form with unsaved typing.
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });

  enhance(document.querySelector("main") || document);
})();
