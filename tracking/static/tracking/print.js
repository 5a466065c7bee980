// The print button: shown only where JavaScript runs (without it, the page says to use the
// browser's print command instead).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
