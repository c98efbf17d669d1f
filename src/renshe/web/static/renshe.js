// Page behaviour without inline handlers: the Content-Security-Policy allows scripts
// from this site only (renshe.api.hardening), so onclick="…" and javascript: links
// would not run. Elements say what they need with data attributes.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-back]").forEach(function (el) {
    el.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
  });
});
