// IPT Workbench: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Change the language as soon as it is picked; the button stays for keyboard and no-JS users.
  document.querySelectorAll("form.lang select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Warn before leaving a form with unsaved typing.
  var dirty = false;
  document.querySelectorAll("main form[method=post]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
})();
