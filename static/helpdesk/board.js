// The live board: a snapshot on connect, then events. It says "live" once the snapshot is
// shown. A skipped message number or a new connection means a fresh snapshot; the
// connection comes back with growing pauses.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var state = document.getElementById("board-state");
  var filters = document.getElementById("board-filters");
  var attention = document.getElementById("attention");
  var cards = new Map();
  var seq = 0, attempt = 0, socket = null;
  var requestUrl = board.dataset.requestUrl.replace(/0\/$/, "");
  // Labels in this page's language; a live event's card carries its publisher's language.
  var labelsNode = document.getElementById("card-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : { kind: {}, urgency: {} };
  var today = new Date().toDateString();

  function setState(name) {
    state.textContent = state.dataset[name];
    state.className = "board-state " + name;
    document.body.dataset.board = name;
  }

  function isOverdue(card) {
    return card.callback_due_at && new Date(card.callback_due_at) < new Date();
  }

  function visible(card) {
    var f = new FormData(filters);
    if (f.get("district") && String(card.district_id) !== f.get("district")) return false;
    if (f.get("kind") && card.kind !== f.get("kind")) return false;
    if (f.get("language") && card.language !== f.get("language")) return false;
    if (f.get("organisation") && card.organisations.indexOf(Number(f.get("organisation"))) < 0) return false;
    if (card.status === "cancelled") return false;
    if (card.status === "done" && new Date(card.updated_at).toDateString() !== today) return false;
    return true;
  }

  function cardElement(card) {
    var li = document.createElement("li");
    li.className = "card-item urgency-" + card.urgency + (card.sensitive ? " sensitive" : "");
    li.dataset.id = card.id;
    var a = document.createElement("a");
    a.href = requestUrl + card.id + "/";
    a.textContent = "#" + card.code + " " + (labels.kind[card.kind] || card.kind_label);
    li.appendChild(a);
    var meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = [card.district, card.language.toUpperCase(), labels.urgency[card.urgency] || card.urgency_label].filter(Boolean).join(" · ");
    li.appendChild(meta);
    if (card.task) {
      var task = document.createElement("div");
      task.className = "task";
      task.textContent = card.task;
      li.appendChild(task);
    }
    if (card.callback_due_at) {
      var due = document.createElement("div");
      due.className = isOverdue(card) ? "due overdue" : "due";
      var when = new Date(card.callback_due_at);
      due.textContent = (isOverdue(card) ? board.dataset.overdue : board.dataset.callback) + " " +
        when.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
      li.appendChild(due);
    }
    return li;
  }

  function render() {
    var lists = {};
    board.querySelectorAll("[data-cards]").forEach(function (ol) { lists[ol.dataset.cards] = []; });
    var top = [];
    Array.from(cards.values())
      .sort(function (a, b) { return b.priority - a.priority || a.created_at.localeCompare(b.created_at); })
      .forEach(function (card) {
        if (!visible(card)) return;
        if (lists[card.status]) lists[card.status].push(card);
        if (card.status === "escalated" || (isOverdue(card) && card.status !== "done")) top.push(card);
      });
    Object.keys(lists).forEach(function (status) {
      var ol = board.querySelector('[data-cards="' + status + '"]');
      ol.replaceChildren.apply(ol, lists[status].map(cardElement));
      board.querySelector('[data-count="' + status + '"]').textContent = lists[status].length;
    });
    var topList = document.getElementById("attention-cards");
    topList.replaceChildren.apply(topList, top.map(cardElement));
    attention.hidden = top.length === 0;
    // The map view (board_map.js) follows the columns: the same cards, the same filters.
    var shown = [];
    Object.keys(lists).forEach(function (status) { shown = shown.concat(lists[status]); });
    // Kept too for a listener that starts after this render (board_map.js may load later).
    document.boardCards = shown;
    document.dispatchEvent(new CustomEvent("board:render", {detail: {cards: shown}}));
  }

  function onMessage(event) {
    var data = JSON.parse(event.data);
    if (data.seq !== seq + 1) {
      // A message went missing between the server and here: start again from a snapshot.
      seq = data.seq;
      if (data.type !== "snapshot") { socket.send(JSON.stringify({type: "resync"})); return; }
    }
    seq = data.seq;
    if (data.type === "snapshot") {
      cards = new Map(data.cards.map(function (c) { return [c.id, c]; }));
      setState("live");  // live only once the board shows what the server holds
    } else if (data.type === "event") {
      if (data.event === "removed") cards.delete(data.card.id);
      else cards.set(data.card.id, data.card);
      document.dispatchEvent(new CustomEvent("board:event", {detail: data}));
    }
    render();
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + board.dataset.ws);
    seq = 0;
    socket.onopen = function () { attempt = 0; };
    socket.onmessage = onMessage;
    socket.onclose = function () {
      setState("reconnecting");
      attempt += 1;
      var delay = Math.min(30000, 500 * Math.pow(2, attempt - 1)) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  }

  filters.addEventListener("change", render);
  setInterval(render, 30000);  // overdue callbacks move to the top as time passes
  setState("connecting");
  connect();
})();
