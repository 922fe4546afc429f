// The phone simulator: polls the chosen phone's thread and sends its texts without a reload.
(function () {
  const thread = document.getElementById("sim-thread");
  const form = document.getElementById("sim-form");
  async function refresh() {
    try {
      const response = await fetch(thread.dataset.url, {credentials: "same-origin"});
      if (response.ok) thread.innerHTML = await response.text();
    } catch (e) { /* the next poll tries again */ }
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"},
    });
    if (response.ok) { form.body.value = ""; refresh(); }
  });
  setInterval(refresh, 2000);
})();
