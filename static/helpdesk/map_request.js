// The request page's map: the resident and the candidates, numbered as in the candidates
// table (a coordinator: their own volunteers' offers, numbered as in the list). The points
// come from the page (json_script), already cut to what this viewer may see.
(function () {
  "use strict";
  var element = document.getElementById("request-map");
  if (!element || !window.SamhjalpMap) return;
  var M = window.SamhjalpMap;
  var config = M.readJson("map-config");
  var points = M.readJson("map-points");
  var map = M.mapCreate(element, config);
  var markers = L.featureGroup().addTo(map);

  function pin(p, className, text, title) {
    var latlng = [p.lat, p.lon];
    if (p.approximate) {
      M.approximateCircle(latlng).addTo(markers);
      title += " (" + config.labels.approximate + ")";
    }
    var icon = L.divIcon({
      className: "map-pin " + className + (p.approximate ? " map-pin-approx" : ""),
      html: M.textElement("span", "", text),
      iconSize: [26, 26],
      iconAnchor: [13, 13],
    });
    var marker = L.marker(latlng, {icon: icon, title: title, keyboard: false}).addTo(markers);
    if (p.approximate) marker.bindTooltip(M.textElement("span", "", config.labels.approximate), {direction: "bottom", offset: [0, 12]});
    return marker;
  }

  // The view first (Leaflet places layers only on a map that has one), from the points.
  var all = (points.resident ? [points.resident] : []).concat(points.people);
  var ours = L.latLngBounds(all.map(function (p) { return [p.lat, p.lon]; }));
  M.fit(map, ours);
  if (points.resident) pin(points.resident, "map-pin-resident", "\u2302", points.resident.label);
  points.people.forEach(function (p) { pin(p, "map-pin-person", String(p.n), p.label); });
  element.dataset.markers = String(all.length);

  M.boundariesAdd(map, config).then(function (found) {
    if (!ours.isValid()) M.fit(map, null, found.layer.getBounds());
    element.dataset.boundaries = "shown";
  }).catch(function () {
    element.dataset.boundaries = "failed";
  });
})();
