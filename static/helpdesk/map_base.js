// What the request page's and the board's maps share (Leaflet, static/vendor/leaflet/):
// tiles when MAP_TILE_URL names a tile server, and the district boundaries always, as a
// vector layer, so that a map without tiles (offline, the demo, a tile server that fails)
// still shows where things are. Every text goes in as text, never as HTML.
(function () {
  "use strict";
  if (!window.L) return;

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = text;
    return element;
  }

  function mapCreate(element, config) {
    var map = L.map(element, {scrollWheelZoom: false, zoomSnap: 0.5});
    if (config.tiles) {
      L.tileLayer(config.tiles, {attribution: config.attribution, maxZoom: 19}).addTo(map);
    }
    element.classList.toggle("map-no-tiles", !config.tiles);
    return map;
  }

  // Resolves to {layer, centres: {district id: [lat, lon]}}; a district without a boundary
  // is its centre, drawn as a small ring.
  function boundariesAdd(map, config) {
    return fetch(config.boundaries, {credentials: "same-origin", headers: {Accept: "application/geo+json"}})
      .then(function (response) {
        if (!response.ok) throw new Error("boundaries: " + response.status);
        return response.json();
      })
      .then(function (data) {
        var centres = {};
        var layer = L.geoJSON(data, {
          style: function () {
            return {className: "map-district", color: "#0b5cad", weight: 1.5, opacity: 0.8, fillColor: "#0b5cad", fillOpacity: 0.06};
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {className: "map-district-centre", radius: 5, color: "#0b5cad", weight: 1.5, fillOpacity: 0.2});
          },
          onEachFeature: function (feature, featureLayer) {
            var p = feature.properties || {};
            centres[p.id] = p.centre;
            var name = p.boundary ? p.name : p.name + " (" + config.labels.district_centre + ")";
            featureLayer.bindTooltip(textElement("span", "", name), {sticky: true});
          },
        }).addTo(map);
        layer.bringToBack();
        return {layer: layer, centres: centres};
      });
  }

  // An approximate position: a dashed circle around the district centre, so nobody reads it
  // as a door.
  function approximateCircle(latlng) {
    return L.circle(latlng, {radius: 600, className: "map-approx", color: "#6b3d00", weight: 2, dashArray: "6 5", fillColor: "#fff4d6", fillOpacity: 0.25, interactive: false});
  }

  function fit(map, bounds, fallback) {
    if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.15), {maxZoom: 15});
    else if (fallback && fallback.isValid()) map.fitBounds(fallback);
    else map.setView([59.33, 18.06], 10);
  }

  window.SamhjalpMap = {
    readJson: readJson,
    textElement: textElement,
    mapCreate: mapCreate,
    boundariesAdd: boundariesAdd,
    approximateCircle: approximateCircle,
    fit: fit,
  };
})();
