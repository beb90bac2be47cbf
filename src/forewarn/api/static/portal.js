// forewarn portal: shows each instant in the viewer's own time zone, and counts down to it.
// Loaded from the portal itself (CSP: script-src 'self'); the page works without it.
"use strict";
(function () {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const local = new Intl.DateTimeFormat(undefined, {
    weekday: "short", year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  function left(ms) {
    const s = Math.floor(ms / 1000);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60), sec = s % 60;
    const parts = [];
    if (d) parts.push(d + " d");
    if (d || h) parts.push(h + " h");
    parts.push(String(m).padStart(d || h ? 2 : 1, "0") + " min");
    parts.push(String(sec).padStart(2, "0") + " s");
    return parts.join(" ");
  }
  function tick() {
    const now = Date.now();
    for (const el of document.querySelectorAll(".countdown[data-until]")) {
      const ms = Date.parse(el.dataset.until) - now;
      if (ms > 0) {
        el.textContent = "in " + left(ms);
        el.classList.remove("passed");
      } else {
        el.textContent = el.dataset.passed || "passed";
        el.classList.add("passed");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    for (const el of document.querySelectorAll(".local[data-instant]")) {
      el.textContent = "Your time: " + local.format(new Date(el.dataset.instant)) + " (" + zone + ")";
      el.dataset.zone = zone;
    }
    tick();
    setInterval(tick, 1000);
  });
})();
