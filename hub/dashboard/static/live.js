// Refresh a live region (the fleet table) without reloading the page.
(function () {
  "use strict";
  const region = document.querySelector("[data-live]");
  if (!region) { return; }
  const every = Number(region.dataset.every || "5") * 1000;
  async function refresh() {
    try {
      const answer = await fetch(region.dataset.live, { credentials: "same-origin" });
      if (answer.redirected || !answer.ok) { return; }
      region.innerHTML = await answer.text();
      region.dataset.refreshed = String(Date.now());
    } catch (err) {
      region.dataset.error = String(err);
    }
  }
  setInterval(refresh, every);
})();
