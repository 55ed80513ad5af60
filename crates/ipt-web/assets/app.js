// IPT Workbench: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  var store = window.sessionStorage;
  var dirty = false;
  var PREFIX = "ipt-draft|";
  var PENDING = PREFIX + "pending";
  // Drafts retired by a successful save in this page's life: a late write for one is dropped.
  var retired = {};

  // Autosave of notes and drafts. The text typed into a form's text areas is kept in this tab's
  // session storage (never local storage, so clinical text does not outlive the tab on a shared
  // clinic computer; signing out clears it) and offered back if the page is reloaded before the
  // form was saved.
  //
  // Each form's text is kept under a draft id of its own, never under the form's address alone:
  // a "new person" form is the same address for every new person, and text typed for one must
  // never be offered for the next. The id is remembered for the form (page address, action and
  // position) until the form is saved successfully; the save retires it at once, with every
  // text kept under it, before the next form is shown, so the next form starts a draft of its
  // own. A refused save keeps the draft and its id for the form shown again with its errors.

  function slotKey(form) {
    var action = form.getAttribute("action") || "";
    var same = Array.prototype.filter.call(document.querySelectorAll("form[method=post]"), function (f) {
      return (f.getAttribute("action") || "") === action;
    });
    return PREFIX + "slot|" + location.pathname + "|" + action + "|" + same.indexOf(form);
  }

  function newId() {
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  function draftIdFor(form) {
    var slot = slotKey(form);
    var id = store.getItem(slot);
    if (!id || retired[id]) { id = newId(); store.setItem(slot, id); }
    return id;
  }

  function textKey(id, field) { return PREFIX + "text|" + id + "|" + field.name; }

  // Forget a draft: its texts, and every form slot that pointed at it.
  function retire(id) {
    retired[id] = true;
    var doomed = [];
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k.indexOf(PREFIX + "text|" + id + "|") === 0) { doomed.push(k); }
      if (k.indexOf(PREFIX + "slot|") === 0 && store.getItem(k) === id) { doomed.push(k); }
    }
    doomed.forEach(function (k) { store.removeItem(k); });
  }

  // The notice beside a restored field, saying what happened and offering to discard it.
  function restoredNotice(field, id) {
    var text = document.body.getAttribute("data-draft-restored") || "";
    var discard = document.body.getAttribute("data-draft-discard") || "";
    var note = document.createElement("p");
    note.className = "notice draft-restored";
    note.setAttribute("role", "status");
    note.id = (field.id || field.name) + "-restored";
    note.appendChild(document.createTextNode(text + " "));
    if (discard) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = discard;
      b.addEventListener("click", function () {
        field.value = "";
        store.removeItem(textKey(id, field));
        note.remove();
        field.focus();
      });
      note.appendChild(b);
    }
    field.insertAdjacentElement("afterend", note);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
  }

  function autosave(root) {
    if (!store) { return; }
    root.querySelectorAll("form[method=post]").forEach(function (form) {
      var fields = form.querySelectorAll("textarea[name]");
      if (!fields.length) { return; }
      var id = draftIdFor(form);
      form.setAttribute("data-draft", id);
      var timers = [];
      var write = function (field) {
        if (retired[id]) { return; }
        if (field.value) { store.setItem(textKey(id, field), field.value); } else { store.removeItem(textKey(id, field)); }
      };
      fields.forEach(function (field, i) {
        var saved = store.getItem(textKey(id, field));
        if (saved && !field.value) {
          field.value = saved;
          restoredNotice(field, id);
        }
        field.addEventListener("input", function () {
          clearTimeout(timers[i]);
          timers[i] = setTimeout(function () { write(field); }, 400);
        });
      });
      form.addEventListener("submit", function () {
        // Whatever was typed up to the keystroke before Enter is kept now, and no timer is
        // left to write it again after the save.
        timers.forEach(clearTimeout);
        fields.forEach(write);
        store.setItem(PENDING, JSON.stringify({ id: id, action: form.getAttribute("action") || "" }));
      });
    });
  }

  // After an ordinary (not inline) submission the next page decides the pending draft: a save
  // answers with a redirect, so the draft is retired; a refused save shows the same form again
  // (no redirect), which carries the draft on.
  function settlePending() {
    if (!store) { return; }
    var raw = store.getItem(PENDING);
    if (!raw) { return; }
    store.removeItem(PENDING);
    var pending;
    try { pending = JSON.parse(raw); } catch (e) { return; }
    var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var redirected = nav && nav.redirectCount > 0;
    var again = document.querySelector("form[method=post][action='" + pending.action.replace(/'/g, "\\'") + "']");
    if (!redirected && again) { store.setItem(slotKey(again), pending.id); } else { retire(pending.id); }
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
        var draft = form.getAttribute("data-draft");
        var action = form.getAttribute("action") || "";
        fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
          .then(function (res) {
            var type = res.headers.get("content-type") || "";
            if (type.indexOf("text/html") !== 0) { throw new Error("not a page"); }
            // A save answers with a redirect to the next page; a refusal shows the form again.
            var saved = res.ok && res.redirected;
            return res.text().then(function (html) { return { url: res.url, html: html, saved: saved }; });
          })
          .then(function (page) {
            var doc = new DOMParser().parseFromString(page.html, "text/html");
            var next = doc.querySelector("main");
            var current = document.querySelector("main");
            if (!next || !current) { throw new Error("no main"); }
            if (store) { store.removeItem(PENDING); }
            if (page.saved) { dirty = false; }
            if (draft && store) {
              if (page.saved) { retire(draft); }
            }
            var fresh = document.importNode(next, true);
            current.replaceWith(fresh);
            document.title = doc.title;
            if (page.url && page.url !== location.href) { history.pushState({}, "", page.url); }
            // The form shown again after a refusal goes on with the same draft.
            if (draft && store && !page.saved) {
              var again = fresh.querySelector("form[method=post][action='" + action.replace(/'/g, "\\'") + "']");
              if (again) { store.setItem(slotKey(again), draft); }
            }
            enhance(fresh);
            fresh.focus();
            window.scrollTo(0, 0);
          })
          .catch(function () { form.submit(); });
      });
    });
  }

  function watch(root) {
    root.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
    });
  }

  function enhance(root) {
    autosave(root);
    watch(root);
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

  settlePending();
  enhance(document.querySelector("main") || document);
})();
