/* The cockpit's charts (驾驶舱): every chart a section describes as data (yuanqu.core.cockpit.Chart), drawn with
   ECharts from the json_script block its element names (data-cockpit-chart). Kinds: bar, hbar, line, pie, funnel,
   map (on the GeoJSON in extra.geojson: no tile server, the intranet has no internet); series with a stack are
   stacked, a series of kind "line" on a bar chart is a line; extra.arrows puts a rank change beside each bar.
   On the big screen (body[data-theme=dark]) the charts are dark and their type large. */
(function () {
  "use strict";

  var PALETTE = ["#0b5cad", "#b3261e", "#ed8c00", "#2e7d32", "#6a4c93", "#00838f", "#8d6e63", "#5c6bc0", "#c2185b", "#7cb342"];
  var SCREEN_PALETTE = ["#4aa3ff", "#ff6b5e", "#ffb52e", "#4cd47a", "#b18cff", "#2fd3e0", "#e0a98c", "#8c9eff", "#ff7eb6", "#c5e86c"];

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function dark() {
    return document.body.dataset.theme === "dark";
  }

  function textStyle() {
    return dark() ? { fontSize: 16, color: "#cfe0f5" } : { fontSize: 12, color: "#1f2933" };
  }

  /* A value as the tables show it: grouped digits, at most the chart's places (extra.places, else 2). */
  function fmt(value, places) {
    if (typeof value !== "number" || isNaN(value)) return value === null || value === undefined ? "–" : String(value);
    var most = typeof places === "number" ? places : (Number.isInteger(value) ? 0 : 2);
    return value.toLocaleString("en-US", { maximumFractionDigits: most, minimumFractionDigits: 0 });
  }

  function arrow(change) {
    if (change === null || change === undefined || change === "") return "";
    if (typeof change !== "number") return String(change);
    if (change > 0) return "▲" + change;
    if (change < 0) return "▼" + (-change);
    return "–";
  }

  function named(d, values) {
    return d.categories.map(function (name, i) { return { name: name, value: values[i] }; });
  }

  function legend(d) {
    return d.series.length > 1 ? { top: 0, textStyle: textStyle(), type: "scroll" } : { show: false };
  }

  /* bar, hbar and line: categories along one axis, each series a bar (stacked when it names a stack) or a line. */
  function axes(d, el) {
    var horizontal = d.kind === "hbar";
    var places = d.extra.places;
    var colours = d.extra.colours;
    // Value labels only where each bar has room for one.
    var room = (horizontal ? el.clientHeight : el.clientWidth) / Math.max(1, d.categories.length);
    var labelled = room >= (horizontal ? 18 : 64);
    var arrows = d.extra.arrows;
    var many = d.categories.length > 6;
    var category = {
      type: "category",
      data: d.categories,
      inverse: horizontal,
      axisLabel: horizontal ? { color: textStyle().color, fontSize: textStyle().fontSize, hideOverlap: true }
        : { rotate: many ? 30 : 0, color: textStyle().color, fontSize: textStyle().fontSize, hideOverlap: true },
      boundaryGap: d.kind !== "line"
    };
    var value = {
      type: "value",
      name: d.unit,
      nameTextStyle: textStyle(),
      axisLabel: { color: textStyle().color, fontSize: textStyle().fontSize, hideOverlap: true,
                   formatter: function (v) { return fmt(v); } },
      splitNumber: (horizontal ? el.clientWidth : el.clientHeight) < 260 ? 3 : 5,
      splitLine: { lineStyle: { color: dark() ? "#1f3a5f" : "#e6e9ed" } }
    };
    var series = d.series.map(function (s, at) {
      var kind = s.kind || (d.kind === "line" ? "line" : "bar");
      var values = s.values;
      // extra.colours: one per category for a chart of one series, else one per series (core/cockpit.Chart).
      if (colours && d.series.length === 1 && kind === "bar") {
        values = s.values.map(function (v, i) { return colours[i] ? { value: v, itemStyle: { color: colours[i] } } : v; });
      }
      var one = {
        name: s.name,
        type: kind,
        data: values,
        barMaxWidth: 44,
        connectNulls: false,
        emphasis: { focus: "series" }
      };
      if (colours && d.series.length > 1 && colours[at]) one.itemStyle = { color: colours[at] };
      if (colours && d.series.length > 1 && colours[at] && kind === "line") one.lineStyle = { color: colours[at] };
      if (s.stack) one.stack = s.stack;
      if (kind === "line") {
        one.symbolSize = dark() ? 8 : 6;
        one.lineStyle = { width: dark() ? 4 : 2 };
      }
      if (arrows && at === 0) {
        one.label = {
          show: true,
          position: horizontal ? "right" : "top",
          color: textStyle().color,
          fontSize: textStyle().fontSize,
          formatter: function (p) { return fmt(p.value, places) + " " + arrow(arrows[p.dataIndex]); }
        };
      } else if (!s.stack && d.series.length === 1 && labelled) {
        one.label = {
          show: true,
          position: horizontal ? "right" : "top",
          color: textStyle().color,
          fontSize: textStyle().fontSize,
          formatter: function (p) { return fmt(p.value, places); }
        };
      }
      return one;
    });
    return {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: d.kind === "line" ? "line" : "shadow" },
        valueFormatter: function (v) { return fmt(v, places) + (d.unit ? " " + d.unit : ""); }
      },
      legend: legend(d),
      grid: { left: 12, right: horizontal ? 60 : 24, top: d.series.length > 1 ? 52 : d.unit ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    };
  }

  function pie(d, el) {
    var values = (d.series[0] || { values: [] }).values;
    return {
      tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + fmt(p.value, d.extra.places) + " (" + p.percent + "%)"; } },
      legend: { type: "scroll", bottom: 0, textStyle: textStyle() },
      series: [{
        name: (d.series[0] || {}).name || d.title,
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        data: named(d, values).map(function (item, i) {
          var colour = (d.extra.colours || [])[i];
          return colour ? { name: item.name, value: item.value, itemStyle: { color: colour } } : item;
        }),
        label: { show: el.clientWidth >= 360, color: textStyle().color, fontSize: textStyle().fontSize, formatter: function (p) { return p.name + "\n" + fmt(p.value, d.extra.places); } }
      }]
    };
  }

  function funnel(d, el) {
    var values = (d.series[0] || { values: [] }).values;
    return {
      tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + fmt(p.value, d.extra.places); } },
      series: [{
        name: (d.series[0] || {}).name || d.title,
        type: "funnel",
        sort: "none",
        left: "10%",
        width: "80%",
        top: 10,
        bottom: 10,
        minSize: "15%",
        gap: 2,
        data: named(d, values),
        label: { show: el.clientHeight / Math.max(1, d.categories.length) >= 16, position: "inside", color: "#fff", fontSize: textStyle().fontSize, formatter: function (p) { return p.name + " " + fmt(p.value, d.extra.places); } }
      }]
    };
  }

  /* The middle of a feature: its bbox's, else the mean of its outer ring's first points. */
  function middle(feature) {
    if (feature.bbox && feature.bbox.length === 4) {
      return [(feature.bbox[0] + feature.bbox[2]) / 2, (feature.bbox[1] + feature.bbox[3]) / 2];
    }
    var g = feature.geometry || {};
    var ring = g.type === "Polygon" ? g.coordinates[0] : g.type === "MultiPolygon" ? g.coordinates[0][0] : g.type === "Point" ? [g.coordinates] : null;
    if (!ring || !ring.length) return null;
    var x = 0, y = 0;
    ring.forEach(function (p) { x += p[0]; y += p[1]; });
    return [x / ring.length, y / ring.length];
  }

  /* A map on the GeoJSON the section gives (extra.geojson, lon/lat), over the zones' outlines when it gives them
     (extra.zones): regions named by a property (extra.name_property, else "name", else "code", else the id),
     coloured by the first series when there is one (a choropleth), else each in its own colour or extra.colour,
     with a dot at each feature so that parcels too small to see at the city's scale still show. A feature with
     properties.url opens it. No tiles: the intranet has no internet. */
  function map(d, id) {
    var geojson = d.extra.geojson;
    if (!geojson || !geojson.features) return null;
    var nameProperty = d.extra.name_property || "name";
    var features = geojson.features.map(function (feature, i) {
      var props = feature.properties || {};
      var name = props[nameProperty];
      if (name === undefined || name === null) name = props.name !== undefined ? props.name : props.code;
      if (name === undefined || name === null) name = feature.id !== undefined ? feature.id : i;
      return { type: "Feature", geometry: feature.geometry, bbox: feature.bbox, properties: Object.assign({}, props, { name: String(name) }) };
    });
    var outlines = ((d.extra.zones || {}).features || []).map(function (feature, i) {
      var props = feature.properties || {};
      return { type: "Feature", geometry: feature.geometry, properties: { name: "\u200b" + (props.name || i), outline: true } };
    });
    echarts.registerMap(id, { type: "FeatureCollection", features: outlines.concat(features) });
    var series = d.series[0];
    var border = dark() ? "#8cc4ff" : "#61707f";
    var area = dark() ? "#1a2f4f" : "#f4f6f8";
    var colour = d.extra.colour || (dark() ? "#ff6b5e" : "#b3261e");
    var regions = outlines.map(function (f) {
      return { name: f.properties.name, silent: true, itemStyle: { areaColor: dark() ? "#15294a" : "#eef1f4", borderColor: border, borderWidth: 1 }, label: { show: false } };
    });
    if (!series) {
      regions = regions.concat(features.map(function (f) {
        var own = f.properties.colour || f.properties.color || colour;
        return { name: f.properties.name, itemStyle: { areaColor: own, borderColor: own } };
      }));
    }
    var option = {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.name && p.name.charAt(0) === "\u200b") return p.name.slice(1);
          var props = (p.data && p.data.props) || {};
          var value = typeof p.value === "number" ? p.value : Array.isArray(p.value) ? p.value[2] : props.area_mu;
          return p.name + (typeof value === "number" && !isNaN(value) ? ": " + fmt(value, d.extra.places) + (d.unit ? " " + d.unit : "") : "");
        }
      },
      geo: {
        map: id,
        roam: true,
        aspectScale: 0.85,
        layoutCenter: ["50%", "50%"],
        layoutSize: "95%",
        label: { show: false },
        itemStyle: { areaColor: area, borderColor: border, borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: dark() ? "#2b4c7a" : "#dbe6f3" } },
        regions: regions
      },
      series: []
    };
    if (series) {
      option.series.push({
        name: series.name,
        type: "map",
        geoIndex: 0,
        data: named(d, series.values)
      });
      var numbers = series.values.filter(function (v) { return typeof v === "number"; });
      option.visualMap = {
        min: numbers.length ? Math.min.apply(null, numbers) : 0,
        max: numbers.length ? Math.max.apply(null, numbers) : 1,
        left: 8,
        bottom: 8,
        calculable: true,
        text: [d.unit || "", ""],
        textStyle: textStyle(),
        seriesIndex: 0,
        inRange: { color: dark() ? ["#1f3a5f", "#ff6b5e"] : ["#fde8e6", "#b3261e"] }
      };
    } else {
      option.series.push({
        name: d.title,
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: dark() ? 7 : 5,
        itemStyle: { color: colour, opacity: 0.85 },
        data: features.map(function (f) {
          var at = middle(f);
          return at && { name: f.properties.name, value: at, props: f.properties };
        }).filter(Boolean)
      });
    }
    return option;
  }

  function option(d, id, el) {
    var built;
    if (d.kind === "pie") built = pie(d, el);
    else if (d.kind === "funnel") built = funnel(d, el);
    else if (d.kind === "map") built = map(d, id);
    else built = axes(d, el);
    if (!built) return null;
    built.animation = false;
    built.color = dark() ? SCREEN_PALETTE : PALETTE;
    built.backgroundColor = "transparent";
    built.textStyle = { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" };
    return built;
  }

  function draw(el) {
    var d = data(el.dataset.cockpitChart);
    if (!d || typeof echarts === "undefined") return;
    d.extra = d.extra || {};
    var built = option(d, el.id, el);
    if (!built) {
      el.dataset.drawn = "0";
      return;
    }
    var chart = echarts.init(el, dark() ? "dark" : null, { renderer: "canvas" });
    chart.setOption(built);
    if (d.kind === "map") {
      // A feature with a page opens it (the parcel behind a dot of the idle-land map).
      chart.on("click", function (p) {
        var props = (p.data && p.data.props) || {};
        if (props.url) window.location.href = props.url;
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }

  /* A zone row of a table opens that zone's cockpit (its name is the link; the whole row is a larger target). One
     listener on the document, so that the rows of a table shown in full later (htmx) open theirs too. */
  function drillRows() {
    document.addEventListener("click", function (event) {
      var row = event.target.closest("tr[data-drill]");
      if (!row || event.target.closest("a")) return;
      window.location.href = row.dataset.drill;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-cockpit-chart]").forEach(draw);
    drillRows();
  });
})();
