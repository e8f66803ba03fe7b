// The ticket page's print button. A file, not an onclick attribute: the Content-Security-Policy
// allows scripts from our own origin only.
"use strict";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
