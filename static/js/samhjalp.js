// Every page: behaviour that would otherwise be inline handlers, which the
// Content-Security-Policy refuses.
(function () {
  "use strict";
  // The language menu applies the choice at once (the <noscript> button does it without JS).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
