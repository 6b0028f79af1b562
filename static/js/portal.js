// Small behaviours for the portal. Loaded as a file: the CSP forbids inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before submitting forms that declare data-confirm="…".
  document.body.addEventListener("submit", (event) => {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
});
