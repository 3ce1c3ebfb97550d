// styrdok: accessibility fixes for Gradio's own markup, applied as it renders (WCAG 2.1 AA).
document.documentElement.lang = "sv";

// Gradio labels some controls in English or with untranslated i18n keys.
const SWEDISH_LABELS = {
  "common.upload": "Lägg till fler filer",
  "Click to upload or drop files": "Klicka för att välja filer eller släpp dem här",
  "File upload": "Välj filer",
};

function mend() {
  // The chat log scrolls once it grows: keyboard users must be able to reach it (2.1.1).
  document.querySelectorAll("[role=log]:not([tabindex])")
    .forEach((log) => log.setAttribute("tabindex", "0"));
  for (const attribute of ["aria-label", "title"]) {
    document.querySelectorAll(`[${attribute}]`).forEach((element) => {
      const swedish = SWEDISH_LABELS[element.getAttribute(attribute)];
      if (swedish) element.setAttribute(attribute, swedish);
    });
  }
}

// At most once a frame, however fast an answer streams in.
let pending = false;
new MutationObserver(() => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; mend(); });
}).observe(document.documentElement, { childList: true, subtree: true });
