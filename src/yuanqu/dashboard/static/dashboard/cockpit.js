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
  function axes(d) {
    var horizontal = d.kind === "hbar";
    var arrows = d.extra.arrows;
    var many = d.categories.length > 6;
    var category = {
      type: "category",
      data: d.categories,
      inverse: horizontal,
      axisLabel: horizontal ? { color: textStyle().color, fontSize: textStyle().fontSize }
        : { interval: 0, rotate: many ? 30 : 0, color: textStyle().color, fontSize: textStyle().fontSize },
      boundaryGap: d.kind !== "line"
    };
    var value = {
      type: "value",
      name: d.unit,
      nameTextStyle: textStyle(),
      axisLabel: { color: textStyle().color, fontSize: textStyle().fontSize },
      splitLine: { lineStyle: { color: dark() ? "#1f3a5f" : "#e6e9ed" } }
    };
    var series = d.series.map(function (s, at) {
      var kind = s.kind || (d.kind === "line" ? "line" : "bar");
      var one = {
        name: s.name,
        type: kind,
        data: s.values,
        barMaxWidth: 44,
        connectNulls: false,
        emphasis: { focus: "series" }
      };
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
          formatter: function (p) { return p.value + " " + arrow(arrows[p.dataIndex]); }
        };
      } else if (!s.stack && d.series.length === 1 && d.categories.length <= 12) {
        one.label = { show: true, position: horizontal ? "right" : "top", color: textStyle().color, fontSize: textStyle().fontSize };
      }
      return one;
    });
    return {
      tooltip: { trigger: "axis", axisPointer: { type: d.kind === "line" ? "line" : "shadow" } },
      legend: legend(d),
      grid: { left: 12, right: horizontal ? 60 : 24, top: d.series.length > 1 || d.unit ? 40 : 20, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    };
  }

  function pie(d) {
    var values = (d.series[0] || { values: [] }).values;
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0, textStyle: textStyle() },
      series: [{
        name: (d.series[0] || {}).name || d.title,
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        data: named(d, values),
        label: { color: textStyle().color, fontSize: textStyle().fontSize, formatter: "{b}\n{c}" }
      }]
    };
  }

  function funnel(d) {
    var values = (d.series[0] || { values: [] }).values;
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
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
        label: { position: "inside", color: "#fff", fontSize: textStyle().fontSize, formatter: "{b} {c}" }
      }]
    };
  }

  /* A map on the GeoJSON the section gives: regions named by their feature's name property (extra.name_property,
     default "name"), coloured by the first series when there is one, else by each feature's own colour. */
  function map(d, id) {
    var geojson = d.extra.geojson;
    if (!geojson || !geojson.features) return null;
    var nameProperty = d.extra.name_property || "name";
    geojson.features.forEach(function (feature, i) {
      feature.properties = feature.properties || {};
      if (feature.properties[nameProperty] === undefined || feature.properties[nameProperty] === null) {
        feature.properties[nameProperty] = String(feature.id !== undefined ? feature.id : i);
      }
      if (nameProperty !== "name") feature.properties.name = feature.properties[nameProperty];
    });
    echarts.registerMap(id, geojson);
    var series = d.series[0];
    var border = dark() ? "#8cc4ff" : "#61707f";
    var area = dark() ? "#1a2f4f" : "#eef1f4";
    var regions = geojson.features
      .filter(function (f) { return f.properties.colour || f.properties.color; })
      .map(function (f) {
        return { name: f.properties.name, itemStyle: { areaColor: f.properties.colour || f.properties.color } };
      });
    var option = {
      tooltip: { trigger: "item", formatter: function (p) { return p.name + (p.value === undefined || isNaN(p.value) ? "" : ": " + p.value + (d.unit ? " " + d.unit : "")); } },
      series: [{
        name: series ? series.name : d.title,
        type: "map",
        map: id,
        roam: true,
        aspectScale: 0.85,
        data: series ? named(d, series.values) : regions.map(function (r) { return { name: r.name, value: NaN, itemStyle: r.itemStyle }; }),
        label: { show: false },
        itemStyle: { areaColor: area, borderColor: border, borderWidth: 0.8 },
        emphasis: { label: { show: true, color: textStyle().color } }
      }]
    };
    if (series) {
      var numbers = series.values.filter(function (v) { return typeof v === "number"; });
      option.visualMap = {
        min: numbers.length ? Math.min.apply(null, numbers) : 0,
        max: numbers.length ? Math.max.apply(null, numbers) : 1,
        left: 8,
        bottom: 8,
        calculable: true,
        text: [d.unit || "", ""],
        textStyle: textStyle(),
        inRange: { color: dark() ? ["#1f3a5f", "#ff6b5e"] : ["#fde8e6", "#b3261e"] }
      };
    }
    return option;
  }

  function option(d, id) {
    var built;
    if (d.kind === "pie") built = pie(d);
    else if (d.kind === "funnel") built = funnel(d);
    else if (d.kind === "map") built = map(d, id);
    else built = axes(d);
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
    var built = option(d, el.id);
    if (!built) {
      el.dataset.drawn = "0";
      return;
    }
    var chart = echarts.init(el, dark() ? "dark" : null, { renderer: "canvas" });
    chart.setOption(built);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }

  /* A zone row of a table opens that zone's cockpit (its name is the link; the whole row is a larger target). */
  function drillRows() {
    document.querySelectorAll("tr[data-drill]").forEach(function (row) {
      row.addEventListener("click", function (event) {
        if (event.target.closest("a")) return;
        window.location.href = row.dataset.drill;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-cockpit-chart]").forEach(draw);
    drillRows();
  });
})();
