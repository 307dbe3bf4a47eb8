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

// Times in the reader's zone: each <time datetime> the server wrote in UTC is shown in the browser's own time zone
// (the UTC text stays as its tooltip); without this script the UTC text stands.
const LOCAL_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function localTimes(root) {
  root.querySelectorAll("time[datetime]").forEach((element) => {
    const instant = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(instant.getTime()) || element.dataset.local === "true") return;
    element.title = element.textContent;
    element.textContent = LOCAL_TIME.format(instant);
    element.dataset.local = "true";
  });
}

// Forms asking for confirmation (releasing a number) ask before sending.
function enhance(root) {
  localTimes(root);
  root.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
}

// Forms the page sends by itself once shown (marking an opened conversation read): a POST from this page, so the
// console's same-origin rule holds, and nothing changes on a GET.
function autoSubmit(root) {
  root.querySelectorAll("form[data-auto-submit]").forEach(async (form) => {
    try {
      await fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
        redirect: "manual" });
      form.hidden = true;
    } catch (e) {
      // the button stays for the reader to press
    }
  });
}

// Live usage: the page listens to the workspace's new ledger facts (the console's /usage/live, analytics' stream
// with the session) and, on each, fetches its figures again, at most every half second. The stream ends with the
// session token that opened it and EventSource reconnects with the current session; when the session itself is gone
// the page says so and refreshes every 30 s instead.
function followUsage(element) {
  let due = null;
  const refresh = async () => {
    due = null;
    try {
      const answer = await fetch(window.location.pathname, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!answer.ok) throw new Error("status " + answer.status);
      const holder = document.createElement("div");
      holder.innerHTML = await answer.text();
      const fresh = holder.querySelector("#usage-live");
      if (!fresh) return;
      const note = element.querySelector("#live-state").textContent;
      element.innerHTML = fresh.innerHTML;
      element.querySelector("#live-state").textContent = note;
      localTimes(element);
    } catch (e) {
      // the next fact, or the next periodic refresh, tries again
    }
  };
  const source = new EventSource(element.dataset.stream);
  source.addEventListener("open", () => {
    element.dataset.connected = "true";
    element.querySelector("#live-state").textContent = "Live: figures update as messages and calls happen.";
  });
  source.addEventListener("message", () => {
    if (!due) due = setTimeout(refresh, 500);
  });
  source.addEventListener("error", () => {
    element.dataset.connected = "false";
    if (source.readyState === EventSource.CLOSED) {
      element.querySelector("#live-state").textContent = "Live updates stopped (your session may have expired: reload to "
        + "sign in again); the figures refresh every 30 s.";
      setInterval(refresh, 30000);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enhance(document);
  const usage = document.getElementById("usage-live");
  if (usage && window.EventSource) followUsage(usage);
  autoSubmit(document);
  document.querySelectorAll("[data-live]").forEach(followLive);
});

// The composer: a live segment counter counted as the outbound service counts (GSM-7: 160 per message, 153 per
// part; anything outside GSM-7 makes it UCS-2: 70, then 67 per part), and sending disabled from a number the
// contact opted out of.
const GSM_7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
  + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_7_EXTENDED = "^{}\\[~]|€\f";

function segments(body) {
  if (!body) return { count: 1, encoding: "GSM-7", length: 0 };
  let septets = 0;
  for (const c of body) { // code points; UCS-2 below counts UTF-16 units, as the service does
    if (GSM_7.includes(c)) septets += 1;
    else if (GSM_7_EXTENDED.includes(c)) septets += 2;
    else {
      const units = body.length;
      return { count: units <= 70 ? 1 : Math.ceil(units / 67), encoding: "UCS-2", length: units };
    }
  }
  return { count: septets <= 160 ? 1 : Math.ceil(septets / 153), encoding: "GSM-7", length: septets };
}

function enhanceComposer(form) {
  const body = form.querySelector("#body");
  const counter = form.querySelector("#segments");
  const from = form.querySelector("#from");
  const send = form.querySelector("#send");
  const optedOut = form.querySelector("#opted-out");
  const count = () => {
    const s = segments(body.value);
    counter.textContent = `${body.value.length} characters · ${s.count} segment${s.count === 1 ? "" : "s"} (${s.encoding})`;
  };
  const consent = () => {
    const option = from && from.selectedOptions[0];
    const refused = option && option.dataset.optedOut === "true";
    send.disabled = Boolean(refused);
    optedOut.hidden = !refused;
    optedOut.textContent = refused ? option.dataset.reason : "";
  };
  body.addEventListener("input", count);
  if (from) from.addEventListener("change", consent);
  count();
  consent();
}

document.addEventListener("DOMContentLoaded", () => {
  const composer = document.querySelector("#composer");
  if (composer) enhanceComposer(composer);
});
