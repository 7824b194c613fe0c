// zenml dashboard: live updates for pages that show something in progress, by polling.
// No page needs this script to be readable; it only keeps statuses current without a reload.
"use strict";

(() => {
  const pollMs = Number(document.body.dataset.pollMs) || 1000;
  const KNOWN = new Set(["running", "completed", "failed", "cached", "pending", "skipped", "retried"]);

  function every(task) {
    const tick = async () => {
      let again = true;
      try {
        again = await task();
      } catch (error) {
        again = true; // the server restarted or the network blinked: try again later
      }
      if (again) setTimeout(tick, pollMs);
    };
    setTimeout(tick, pollMs);
  }

  async function fetchPage(url) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  function setStatus(element, status) {
    for (const name of [...element.classList]) {
      if (name.startsWith("status-")) element.classList.remove(name);
    }
    element.classList.add("status-" + (KNOWN.has(status) ? status : "unknown"));
    for (const label of element.querySelectorAll("[data-status]")) label.textContent = status;
  }

  // The runs list: swap in the fresh rows of the same page.
  const runs = document.querySelector("[data-live-runs]");
  if (runs) {
    every(async () => {
      const page = await fetchPage(location.href);
      const fresh = page && page.querySelector("#runs-body");
      if (fresh) runs.replaceChildren(...fresh.childNodes);
      return true;
    });
  }

  // A run in progress: step statuses in the graph and the table, then the run's own status.
  const live = document.querySelector("[data-live-run]");
  if (live) {
    const badge = document.querySelector("[data-run-status]");
    const runDuration = document.querySelector("[data-run-duration]");
    every(async () => {
      const response = await fetch(live.dataset.liveRun, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return true;
      const data = await response.json();
      const shown = new Set([...document.querySelectorAll("[data-step]")].map((node) => node.dataset.step));
      const names = Object.keys(data.steps);
      if (names.length !== shown.size || names.some((name) => !shown.has(name))) {
        const page = await fetchPage(location.href); // steps appeared: new graph and table
        for (const id of ["graph", "steps"]) {
          const fresh = page && page.getElementById(id);
          const current = document.getElementById(id);
          if (fresh && current) current.replaceWith(fresh);
        }
      }
      for (const element of document.querySelectorAll("[data-step]")) {
        const step = data.steps[element.dataset.step];
        if (!step) continue;
        setStatus(element, step.status);
        const cell = element.querySelector("[data-duration]");
        if (cell) cell.textContent = step.duration;
      }
      badge.textContent = data.status;
      setStatus(badge, data.status);
      badge.classList.add("badge");
      runDuration.textContent = data.duration;
      return data.status === "running";
    });
  }

  // A step that has not finished: reload its page once it has (its outputs, logs and error appear).
  const step = document.querySelector("[data-live-step]");
  if (step) {
    every(async () => {
      const response = await fetch(step.dataset.liveStep, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return true;
      const data = await response.json();
      const current = data.steps[step.dataset.stepName];
      if (current && current.status !== "running" && current.status !== "pending") {
        location.reload();
        return false;
      }
      return data.status === "running";
    });
  }
})();
