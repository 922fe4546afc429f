// The board's map view: the open requests the columns show (board.js sends them on every
// render, so the socket's events that move a card move its marker), coloured and shaped by
// urgency, lettered by status. A card without a position of its own (every card on a
// coordinator's board) sits at its district's centre, outlined dashed. Which view is on is
// kept per browser. The columns stay on the page: they are what a screen reader reads.
(function () {
  "use strict";
  var box = document.getElementById("board-map-box");
  var toggle = document.getElementById("board-map-toggle");
  var board = document.getElementById("board");
  if (!box || !toggle || !board || !window.SamhjalpMap) return;
  var M = window.SamhjalpMap;
  var config = M.readJson("map-config");
  var legend = M.readJson("map-legend");
  var element = document.getElementById("board-map");
  var counter = document.getElementById("board-map-missing");
  var requestUrl = board.dataset.requestUrl.replace(/0\/$/, "");
  var OPEN = ["new", "matching", "offered", "assigned", "escalated"];
  var STORE = "samhjalp.board.view";
  var letters = {}, statusLabels = {}, urgencyLabels = {};
  legend.statuses.forEach(function (s) { letters[s.code] = s.letter; statusLabels[s.code] = s.label; });
  legend.urgencies.forEach(function (u) { urgencyLabels[u.value] = u.label; });
  // The board may have rendered its snapshot before this script ran: start from it.
  var map = null, centres = {}, markers = new Map(), cards = document.boardCards || [];
  var fitted = false;
  // A marker has focus and the role of a button: Enter or Space opens its request, as a
  // click does. Bound once on the map, since a marker's element is replaced as it changes.
  element.addEventListener("keydown", function (event) {
    var marker = event.target.closest && event.target.closest(".board-marker");
    if (!marker || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    location.href = requestUrl + marker.dataset.id + "/";
  });

  function remembered() {
    try { return localStorage.getItem(STORE) === "map"; } catch (e) { return false; }
  }

  function remember(on) {
    try { localStorage.setItem(STORE, on ? "map" : "columns"); } catch (e) { /* private mode */ }
  }

  function where(card) {
    if (card.position && card.position.length === 2) {
      return {latlng: card.position, approximate: Boolean(card.approximate)};
    }
    var centre = centres[card.district_id];
    return centre ? {latlng: centre, approximate: true} : null;
  }

  function look(card, spot) {
    return [card.status, card.urgency, spot.approximate ? 1 : 0, card.code].join("|");
  }

  function iconFor(card, spot, slot) {
    // Cards at one point (a district's centre) are set side by side, not on top of each other.
    var angle = slot * 2.4, reach = slot ? 10 + 4 * Math.sqrt(slot) : 0;
    var dx = Math.round(Math.cos(angle) * reach), dy = Math.round(Math.sin(angle) * reach);
    var span = M.textElement("span", "", letters[card.status] || "?");
    return L.divIcon({
      className: "board-marker bm-u" + card.urgency + " bm-s-" + card.status + (spot.approximate ? " bm-approx" : ""),
      html: span,
      iconSize: [24, 24],
      iconAnchor: [12 - dx, 12 - dy],
    });
  }

  function titleFor(card, spot) {
    var parts = ["#" + card.code, card.kind_label, statusLabels[card.status] || card.status_label,
      urgencyLabels[card.urgency] || card.urgency_label, card.district];
    if (spot.approximate) parts.push(config.labels.approximate);
    return parts.filter(Boolean).join(" · ");
  }

  function sync() {
    if (!map) return;
    var seen = new Set(), slots = {}, missing = 0, bounds = L.latLngBounds([]);
    cards.forEach(function (card) {
      if (OPEN.indexOf(card.status) < 0) return;
      var spot = where(card);
      if (!spot) { missing += 1; return; }
      var key = spot.latlng.join(",");
      var slot = slots[key] = (slots[key] === undefined ? 0 : slots[key] + 1);
      var id = String(card.id), now = look(card, spot) + "|" + slot;
      seen.add(id);
      bounds.extend(spot.latlng);
      var found = markers.get(id);
      if (found && found.look === now && found.key === key) return;
      if (found) {
        found.marker.setLatLng(spot.latlng);
        found.marker.setIcon(iconFor(card, spot, slot));
        found.marker.getElement().title = titleFor(card, spot);
      } else {
        var marker = L.marker(spot.latlng, {icon: iconFor(card, spot, slot), title: titleFor(card, spot)});
        marker.on("click", function () { location.href = requestUrl + card.id + "/"; });
        marker.addTo(map);
        found = {marker: marker};
        markers.set(id, found);
      }
      found.look = now;
      found.key = key;
      found.marker.getElement().dataset.id = id;
      found.marker.getElement().dataset.status = card.status;
    });
    markers.forEach(function (found, id) {
      if (!seen.has(id)) { found.marker.remove(); markers.delete(id); }
    });
    counter.textContent = missing ? counter.dataset.text.replace("%(n)s", missing) : "";
    element.dataset.markers = String(markers.size);
    if (!fitted && bounds.isValid()) { M.fit(map, bounds); fitted = true; }
  }

  function mapStart() {
    map = M.mapCreate(element, config);
    M.fit(map, null);
    M.boundariesAdd(map, config).then(function (found) {
      centres = found.centres;
      if (!fitted) { M.fit(map, null, found.layer.getBounds()); }
      element.dataset.boundaries = "shown";
      sync();
    }).catch(function () {
      element.dataset.boundaries = "failed";
    });
    sync();
  }

  function show(on) {
    box.hidden = !on;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    if (on && !map) mapStart();
    else if (on) { map.invalidateSize(); sync(); }
  }

  document.addEventListener("board:render", function (event) {
    cards = event.detail.cards;
    sync();
  });
  toggle.addEventListener("click", function () {
    var on = box.hidden;
    remember(on);
    show(on);
  });
  show(remembered());
})();
