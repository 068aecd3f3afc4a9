/* The one map: parcels coloured by land status, from the platform's own GeoJSON, over no base map (it runs
   on an intranet). Layer toggle, search by parcel code, popup linking to the parcel's page. */
(function () {
  "use strict";

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("land-map-config");
    var el = document.getElementById("land-map");
    if (!node || !el || typeof maplibregl === "undefined") return;
    var config = JSON.parse(node.textContent);
    var message = document.getElementById("land-map-message");
    var map = new maplibregl.Map({
      container: el,
      attributionControl: false,
      center: [116.4, 35.0],
      zoom: 3,
      style: {
        version: 8,
        sources: {
          parcels: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
          zones: { type: "geojson", data: { type: "FeatureCollection", features: [] } }
        },
        layers: [
          { id: "background", type: "background", paint: { "background-color": "#f4f6f8" } },
          { id: "parcel-fill", type: "fill", source: "parcels",
            paint: { "fill-color": ["get", "colour"], "fill-opacity": 0.6 } },
          { id: "parcel-line", type: "line", source: "parcels", paint: { "line-color": "#333333", "line-width": 0.5 } },
          { id: "zone-line", type: "line", source: "zones",
            paint: { "line-color": "#444444", "line-width": ["case", ["get", "sub_park"], 1.5, 2.5],
                     "line-dasharray": [4, 2] } }
        ]
      }
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    var features = [];

    map.on("load", function () {
      fetch(config.zones_url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (collection) { map.getSource("zones").setData(collection); });
      fetch(config.data_url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          features = collection.features || [];
          map.getSource("parcels").setData(collection);
          if (collection.bbox) map.fitBounds(collection.bbox, { padding: 40, duration: 0 });
          el.dataset.ready = "1";
          el.dataset.features = String(features.length);
        });
    });

    map.on("click", "parcel-fill", function (event) {
      var p = event.features[0].properties;
      new maplibregl.Popup()
        .setLngLat(event.lngLat)
        .setHTML("<strong>" + escape(p.code) + "</strong><br>" + escape(p.zone) + "<br>" + escape(p.label) +
                 '<br><a href="' + escape(p.url) + '">' + escape(config.open) + "</a>")
        .addTo(map);
    });
    map.on("mouseenter", "parcel-fill", function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "parcel-fill", function () { map.getCanvas().style.cursor = ""; });

    var zonesToggle = document.getElementById("land-map-zones-toggle");
    zonesToggle.addEventListener("change", function () {
      map.setLayoutProperty("zone-line", "visibility", zonesToggle.checked ? "visible" : "none");
    });

    var toggle = document.getElementById("land-map-toggle");
    toggle.addEventListener("change", function () {
      var visibility = toggle.checked ? "visible" : "none";
      map.setLayoutProperty("parcel-fill", "visibility", visibility);
      map.setLayoutProperty("parcel-line", "visibility", visibility);
    });

    function bboxOf(geometry) {
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      (function walk(coords) {
        if (typeof coords[0] === "number") {
          box[0] = Math.min(box[0], coords[0]); box[1] = Math.min(box[1], coords[1]);
          box[2] = Math.max(box[2], coords[0]); box[3] = Math.max(box[3], coords[1]);
        } else { coords.forEach(walk); }
      })(geometry.coordinates);
      return box;
    }

    function search() {
      var term = document.getElementById("land-map-search").value.trim().toLowerCase();
      if (!term) return;
      var found = features.filter(function (f) { return String(f.properties.code).toLowerCase() === term; })[0] ||
                  features.filter(function (f) { return String(f.properties.code).toLowerCase().indexOf(term) >= 0; })[0];
      message.textContent = found ? "" : config.no_match;
      if (found) map.fitBounds(bboxOf(found.geometry), { padding: 80, maxZoom: 18, duration: 0 });
    }
    document.getElementById("land-map-search-go").addEventListener("click", search);
    document.getElementById("land-map-search").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
  });
})();
