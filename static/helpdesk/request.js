// A request's page follows the board socket and refreshes itself when this request changes,
// unless the operator is typing, in which case it says so and waits.
(function () {
  "use strict";
  var page = document.getElementById("request");
  if (!page) return;
  var id = Number(page.dataset.id), live = document.getElementById("request-live");
  var attempt = 0;

  // Typing means a field differs from what the server rendered: the resident's details come
  // filled in, and an unchanged form must not hold the page back.
  function edited(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      return Array.from(el.options).some(function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value.trim() !== el.defaultValue.trim();
  }

  function typing() {
    return Array.from(document.querySelectorAll("#request form textarea, #request form select, " +
      "#request form input:not([type=hidden])")).some(edited);
  }

  // A double click sends a form once; the server's token check is the guard behind this.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
  // Back to this page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (f) { delete f.dataset.sent; });
  });

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
