// GalaxyCo Phone console: progressive enhancement only. Every page works without this file.
"use strict";

// Live parts: an element with data-live="<url>" and data-changing="true" is replaced by a fresh copy from <url>
// every data-interval ms, until the copy says nothing is changing any more (a number bought or released).
function followLive(element) {
  if (element.dataset.changing !== "true") return;
  const interval = Number(element.dataset.interval) || 1500;
  setTimeout(async () => {
    try {
      const answer = await fetch(element.dataset.live, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!answer.ok) throw new Error("status " + answer.status);
      const holder = document.createElement("div");
      holder.innerHTML = await answer.text();
      const fresh = holder.querySelector("[data-live]");
      if (!fresh) throw new Error("no live part in the answer");
      // keep an open editor open and do not steal focus from a form being filled in
      if (element.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) {
        followLive(element);
        return;
      }
      element.replaceWith(fresh);
      enhance(fresh);
      followLive(fresh);
    } catch (e) {
      element.dataset.interval = String(Math.min(interval * 2, 15000)); // back off while the console is unreachable
      followLive(element);
    }
  }, interval);
}

// Forms asking for confirmation (releasing a number) ask before sending.
function enhance(root) {
  root.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enhance(document);
  document.querySelectorAll("[data-live]").forEach(followLive);
});
