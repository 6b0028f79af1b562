// Small behaviours for the portal. Loaded as a file: the CSP forbids inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before submitting forms, or clicking submit buttons, that declare data-confirm="…".
  document.body.addEventListener("submit", (event) => {
    const message = event.submitter?.dataset.confirm || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // htmx does not swap error answers; a 422 carries a fragment meant to be shown (the
  // "not saved" line of a report's autosave).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
});
