/* The one map: zone boundaries and parcels (vector tiles of the platform), coloured in the ways and overlaid with
   the points layers the apps registered (the page's config lists them); over no base map unless an administrator
   configured one (it runs on an intranet). Layer switcher, search, popups linking to each page, and the current
   view as a PNG. */
(function () {
  "use strict";

  var EMPTY = { type: "FeatureCollection", features: [] };

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function link(url, text) {
    return '<a href="' + escape(url) + '">' + escape(text) + "</a>";
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  /* ["match", ["get", property], value, colour, ..., colour of no value] from a legend. */
  function colourExpression(property, legend) {
    var expression = ["match", ["coalesce", ["get", property], ""]];
    var fallback = "#d2d2d2";
    legend.forEach(function (item) {
      if (item.value === "") fallback = item.colour;
      else expression.push(item.value, item.colour);
    });
    expression.push(fallback);
    return expression;
  }

  function labelOf(legend, value) {
    var found = (legend || []).filter(function (item) { return item.value === (value || ""); })[0];
    return found ? found.label : value || "";
  }

  /* "land-use" → "landUse": the key of an element's data-* attribute. */
  function datasetKey(key) {
    return key.replace(/-([a-z])/g, function (_match, letter) { return letter.toUpperCase(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("one-map-config");
    var el = document.getElementById("one-map");
    if (!node || !el || typeof maplibregl === "undefined") return;
    var config = JSON.parse(node.textContent);
    // MapLibre loads tiles in a worker: a path of this site becomes an absolute URL of the page's origin.
    function absolute(url) { return url.charAt(0) === "/" ? window.location.origin + url : url; }
    var text = config.text;
    var message = document.getElementById("one-map-message");
    var hint = document.getElementById("one-map-hint");
    var colourings = {};
    config.colourings.forEach(function (colouring) { colourings[colouring.key] = colouring; });
    var colourKey = config.colourings.length ? config.colourings[0].key : null;
    var points = {};
    config.points.forEach(function (layer) { points[layer.key] = layer; });
    function pointLayerId(layer) { return "points-" + layer.key; }
    function parcelColour(key) {
      return key ? colourExpression(colourings[key].property, config.legends[key]) : "#999999";
    }

    var sources = { zones: { type: "geojson", data: EMPTY } };
    config.points.forEach(function (layer) { sources[pointLayerId(layer)] = { type: "geojson", data: EMPTY }; });
    var parcelLayer = {};
    if (config.tiles_url) {
      sources.parcels = { type: "vector", tiles: [absolute(config.tiles_url)], minzoom: config.tiles_minzoom, maxzoom: 16 };
      parcelLayer = { "source-layer": "parcels" };
    } else {
      sources.parcels = { type: "geojson", data: EMPTY };
    }
    var layers = [{ id: "background", type: "background", paint: { "background-color": "#f4f6f8" } }];
    if (config.base_map) {
      sources.base = Object.assign({}, config.base_map, { tiles: config.base_map.tiles.map(absolute) });
      layers.push({ id: "base", type: "raster", source: "base" });
    }
    layers.push(
      Object.assign({ id: "parcel-fill", type: "fill", source: "parcels",
        paint: { "fill-color": parcelColour(colourKey), "fill-opacity": 0.65 } }, parcelLayer),
      Object.assign({ id: "parcel-line", type: "line", source: "parcels",
        paint: { "line-color": "#333333", "line-width": 0.5 } }, parcelLayer),
      { id: "zone-line", type: "line", source: "zones",
        paint: { "line-color": "#444444", "line-width": ["case", ["get", "sub_park"], 1.5, 2.5],
                 "line-dasharray": [4, 2] } }
    );
    // The first points layer is drawn on top (and takes a click on dots that overlap).
    config.points.slice().reverse().forEach(function (layer) {
      var colour = layer.colour_by && colourings[layer.colour_by]
        ? colourExpression(colourings[layer.colour_by].property, config.legends[layer.colour_by]) : layer.colour;
      layers.push({ id: pointLayerId(layer), type: "circle", source: pointLayerId(layer),
                    paint: Object.assign({ "circle-color": colour }, layer.paint) });
    });

    var map = new maplibregl.Map({
      container: el,
      attributionControl: config.base_map && config.base_map.attribution ? { compact: true } : false,
      canvasContextAttributes: { preserveDrawingBuffer: true },  // the PNG export reads the canvas
      center: [116.4, 35.0],
      zoom: 3,
      style: { version: 8, sources: sources, layers: layers }
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    if (config.bounds) map.fitBounds(config.bounds, { padding: 40, duration: 0, maxZoom: 17 });

    /* Parcels come as tiles from zoom tiles_minzoom up: below it the map says so over the map itself and
       offers to zoom to the parcels of the zone nearest the centre of the view. */
    var zoomBox = document.getElementById("one-map-zoom");
    var zoneBoxes = config.zone_bounds || [];
    function showHint() {
      var zoomedOut = Boolean(config.tiles_url) && map.getZoom() < config.tiles_minzoom;
      hint.textContent = zoomedOut ? text.zoom_in : "";
      zoomBox.hidden = !zoomedOut;
      el.dataset.zoom = map.getZoom().toFixed(2);
    }
    map.on("zoomend", showHint);

    function zoomToNearestZone() {
      var centre = map.getCenter();
      var best = null;
      var bestDistance = Infinity;
      zoneBoxes.forEach(function (box) {
        var dx = (box[0] + box[2]) / 2 - centre.lng;
        var dy = (box[1] + box[3]) / 2 - centre.lat;
        if (dx * dx + dy * dy < bestDistance) { bestDistance = dx * dx + dy * dy; best = box; }
      });
      if (best) map.fitBounds(best, { padding: 40, duration: 0, maxZoom: 17 });
      if (map.getZoom() < config.tiles_minzoom) {
        map.jumpTo({ center: best ? [(best[0] + best[2]) / 2, (best[1] + best[3]) / 2] : centre,
                     zoom: config.tiles_minzoom });
      }
    }
    document.getElementById("one-map-zoom-in").addEventListener("click", zoomToNearestZone);

    var unmapped = {};
    function showUnmapped() {
      document.getElementById("one-map-unmapped").textContent = config.points.map(function (layer) {
        return unmapped[layer.key] || "";
      }).filter(Boolean).join(" ");
    }

    map.on("load", function () {
      showHint();
      var loads = [getJSON(config.zones_url).then(function (c) { map.getSource("zones").setData(c); })];
      config.points.forEach(function (layer) {
        loads.push(getJSON(layer.url).then(function (c) {
          map.getSource(pointLayerId(layer)).setData(c);
          el.dataset[datasetKey(layer.key)] = String(c.features.length);
          unmapped[layer.key] = c.unmapped && layer.unmapped_text ? layer.unmapped_text.replace("{n}", c.unmapped) : "";
          showUnmapped();
        }));
      });
      if (!config.tiles_url) {
        loads.push(getJSON(config.data_url).then(function (c) { map.getSource("parcels").setData(c); }));
      }
      Promise.all(loads).then(function () {
        showHint();
        map.once("idle", function () { el.dataset.ready = "1"; });
        map.triggerRepaint();
      }).catch(function (error) { message.textContent = String(error); });
    });

    /* --- popups --------------------------------------------------------------------------------------- */

    /* A parcel: its code and zone, a line per colouring of its own, and the object of each points layer on it
       (linking to its page) with the colourings that qualify it. */
    function parcelPopup(p) {
      var rows = ["<strong>" + escape(p.code) + "</strong>", escape(p.zone)];
      config.colourings.forEach(function (colouring) {
        if (colouring.qualifies || !colouring.popup_label) return;
        rows.push(escape(colouring.popup_label) + "：" +
                  escape(labelOf(config.legends[colouring.key], p[colouring.property])));
      });
      config.points.forEach(function (layer) {
        var name = layer.property ? p[layer.property] : "";
        if (!name) return;
        var line = escape(layer.label) + "：" +
          (layer.detail_url ? link(layer.detail_url.replace("{id}", p[layer.property + "_id"]), name) : escape(name));
        config.colourings.forEach(function (colouring) {
          var value = p[colouring.property];
          if (colouring.qualifies !== layer.key || !value) return;
          line += "（" + (colouring.popup_label ? escape(colouring.popup_label) + " " : "") +
                  escape(labelOf(config.legends[colouring.key], value)) + "）";
        });
        rows.push(line);
      });
      rows.push(link(config.parcel_url.replace("{id}", p.id), text.open_parcel));
      return rows.join("<br>");
    }

    /* A dot: its name, the properties its layer lists (a labelled one only when it has a value), its page. */
    function pointPopup(layer, p) {
      var rows = ["<strong>" + escape(p.name) + "</strong>"];
      layer.popup.forEach(function (line) {
        var value = p[line.property];
        if (!line.label) rows.push(escape(value));
        else if (value) rows.push(escape(line.label) + "：" + escape(value));
      });
      rows.push(link(p.url, layer.link_text));
      return rows.join("<br>");
    }

    function openPopup(lngLat, html) {
      new maplibregl.Popup({ maxWidth: "320px" }).setLngLat(lngLat).setHTML(html).addTo(map);
    }

    var byLayerId = {};
    config.points.forEach(function (layer) { byLayerId[pointLayerId(layer)] = layer; });
    var clickable = Object.keys(byLayerId).concat(["parcel-fill"]);
    map.on("click", function (event) {
      var visible = clickable.filter(function (id) { return map.getLayoutProperty(id, "visibility") !== "none"; });
      var hit = map.queryRenderedFeatures(event.point, { layers: visible })[0];
      if (!hit) return;
      var layer = byLayerId[hit.layer.id];
      if (layer) openPopup(hit.geometry.coordinates, pointPopup(layer, hit.properties));
      else openPopup(event.lngLat, parcelPopup(hit.properties));
    });
    clickable.forEach(function (id) {
      map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
    });

    /* --- layer switcher and colours ------------------------------------------------------------------- */

    var switches = {
      "one-map-layer-zones": ["zone-line"],
      "one-map-layer-parcels": ["parcel-fill", "parcel-line"]
    };
    config.points.forEach(function (layer) { switches["one-map-layer-" + layer.key] = [pointLayerId(layer)]; });
    Object.keys(switches).forEach(function (id) {
      var box = document.getElementById(id);
      if (!box) return;
      box.addEventListener("change", function () {
        switches[id].forEach(function (layer) {
          map.setLayoutProperty(layer, "visibility", box.checked ? "visible" : "none");
        });
      });
    });

    var legendEl = document.getElementById("one-map-legend");
    function drawLegend() {
      var items = colourKey ? config.legends[colourKey] : [];
      legendEl.innerHTML = items.map(function (item) {
        return '<li><span class="swatch" style="background:' + escape(item.colour) + '"></span> ' +
          escape(item.label) + "</li>";
      }).join("") + config.points.map(function (layer) {
        // A dot coloured by a colouring shows a sample of it, ringed as on the map.
        return '<li><span class="swatch dot" style="background:' + escape(layer.colour) +
          (layer.colour_by ? ";border:2px solid #fff" : "") + '"></span> ' + escape(layer.label) + "</li>";
      }).join("");
      legendEl.dataset.colour = colourKey || "";
    }
    var colourSelect = document.getElementById("one-map-colour");
    if (colourSelect) {
      colourSelect.addEventListener("change", function () {
        colourKey = colourSelect.value;
        map.setPaintProperty("parcel-fill", "fill-color", parcelColour(colourKey));
        drawLegend();
      });
    }
    drawLegend();

    /* --- search --------------------------------------------------------------------------------------- */

    var resultsEl = document.getElementById("one-map-results");

    function go(result) {
      resultsEl.innerHTML = "";
      if (!result.bbox) {
        message.textContent = text.not_on_map;
        return;
      }
      message.textContent = "";
      map.fitBounds(result.bbox, { padding: 80, maxZoom: 17, duration: 0 });
      map.once("idle", function () {
        var point = map.project(result.center);
        var html;
        if (result.kind === "parcel") {
          var hit = map.queryRenderedFeatures(point, { layers: ["parcel-fill"] }).filter(function (f) {
            return f.properties.id === result.id;
          })[0];
          html = hit ? parcelPopup(hit.properties)
                     : "<strong>" + escape(result.label) + "</strong><br>" + link(result.url, text.open_parcel);
        } else if (points[result.layer]) {
          html = pointPopup(points[result.layer], result.properties);
        } else {
          html = "<strong>" + escape(result.label) + "</strong><br>" + escape(result.detail);
        }
        openPopup(result.center, html);
      });
    }

    function search(event) {
      if (event) event.preventDefault();
      var term = document.getElementById("one-map-search").value.trim();
      if (!term) return;
      var url = config.search_url + (config.search_url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(term);
      getJSON(url).then(function (data) {
        var results = data.results || [];
        resultsEl.innerHTML = "";
        if (!results.length) {
          message.textContent = text.no_match;
          return;
        }
        if (results.length === 1) {
          go(results[0]);
          return;
        }
        message.textContent = "";
        results.forEach(function (result) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = result.label + " · " + result.detail;
          button.addEventListener("click", function () { go(result); });
          item.appendChild(button);
          resultsEl.appendChild(item);
        });
      }).catch(function (error) { message.textContent = String(error); });
    }
    document.getElementById("one-map-search-form").addEventListener("submit", search);

    /* --- PNG export ----------------------------------------------------------------------------------- */

    document.getElementById("one-map-export").addEventListener("click", function () {
      var source = map.getCanvas();
      var canvas = document.createElement("canvas");
      canvas.width = source.width;
      canvas.height = source.height;
      var ctx = canvas.getContext("2d");
      ctx.drawImage(source, 0, 0);
      var scale = window.devicePixelRatio || 1;
      var items = colourKey ? config.legends[colourKey] : [];
      var line = 18 * scale;
      ctx.font = (13 * scale) + "px sans-serif";
      ctx.textBaseline = "middle";
      var width = 0;
      items.forEach(function (item) { width = Math.max(width, ctx.measureText(item.label).width); });
      var boxWidth = width + 40 * scale;
      var boxHeight = line * (items.length + 1) + 12 * scale;
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fillRect(8 * scale, 8 * scale, Math.max(boxWidth, 220 * scale), boxHeight);
      ctx.fillStyle = "#111111";
      ctx.font = "bold " + (14 * scale) + "px sans-serif";
      ctx.fillText(text.title + "  " + text.as_of + " " + config.as_of, 16 * scale, 8 * scale + line);
      ctx.font = (13 * scale) + "px sans-serif";
      items.forEach(function (item, index) {
        var y = 8 * scale + line * (index + 2);
        ctx.fillStyle = item.colour;
        ctx.fillRect(16 * scale, y - 6 * scale, 12 * scale, 12 * scale);
        ctx.fillStyle = "#111111";
        ctx.fillText(item.label, 34 * scale, y);
      });
      canvas.toBlob(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "yuanqu-map-" + config.as_of + ".png";
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      }, "image/png");
    });
  });
})();
