// A request's page follows the board socket and refreshes itself when this request changes,
// unless the operator is typing, in which case it says so and waits.
(function () {
  "use strict";
  var page = document.getElementById("request");
  if (!page) return;
  var id = Number(page.dataset.id), live = document.getElementById("request-live");
  var attempt = 0;

  function typing() {
    return Array.from(document.querySelectorAll("textarea, input[type=text], input:not([type])"))
      .some(function (el) { return el.value.trim() !== ""; });
  }

  function changed() {
    if (!typing()) { location.reload(); return; }
    live.replaceChildren(document.createTextNode(page.dataset.changed + " "));
    var a = document.createElement("a");
    a.href = location.href;
    a.textContent = page.dataset.reload;
    live.appendChild(a);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + page.dataset.ws);
    var first = true;
    socket.onopen = function () { attempt = 0; };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "snapshot") {
        // After a reconnect the snapshot may hold what we missed: compare and refresh.
        var card = data.cards.find(function (c) { return c.id === id; });
        var shown = document.getElementById("request-status").className.replace(/.*status-/, "");
        if (!first && card && card.status !== shown) changed();
        first = false;
      } else if (data.type === "event" && data.card.id === id) {
        changed();
      }
    };
    socket.onclose = function () {
      attempt += 1;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, attempt - 1)));
    };
  }
  connect();
})();
