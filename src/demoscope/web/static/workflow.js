// Progressive help for the workflow's forms (everything works without it):
// asks before irreversible actions (publish, disable) and disables a submitted button so a
// double click never sends the same write twice.
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        return;
      }
      var button = form.querySelector("button[type=submit]");
      if (button && form.method.toLowerCase() === "post") {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
})();
