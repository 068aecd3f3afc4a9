/* A zone's profile in a zone-evaluation run: its category scores against its group's average and best as a radar,
   and its rank over the years as a line (rank 1 at the top). Data from the page's json_script. */
(function () {
  "use strict";
  var ACCENT = "#b3261e";
  var SECOND = "#0b5cad";
  var GREY = "#8a8f98";

  function chartOn(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function rounded(values) {
    return values.map(function (v) { return v === null ? null : Math.round(v * 100) / 100; });
  }

  function radar(d) {
    var chart = d.radar && chartOn("zone-radar");
    if (!chart) return;
    var names = [d.labels.zone, d.labels.average, d.labels.best];
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      legend: { data: names, bottom: 0 },
      radar: { indicator: d.radar.indicators, radius: "62%", center: ["50%", "48%"], splitNumber: 4 },
      series: [{
        type: "radar",
        data: [
          { name: names[0], value: rounded(d.radar.zone), itemStyle: { color: ACCENT }, areaStyle: { opacity: 0.15 } },
          { name: names[1], value: rounded(d.radar.average), itemStyle: { color: SECOND }, lineStyle: { type: "dashed" } },
          { name: names[2], value: rounded(d.radar.best), itemStyle: { color: GREY }, lineStyle: { type: "dotted" } }
        ]
      }]
    });
    chart.getDom().dataset.drawn = "1";
  }

  function history(d) {
    var chart = d.history.years.length > 1 && chartOn("zone-rank-history");
    if (!chart) return;
    var largest = Math.max.apply(null, d.history.sizes.concat(d.history.ranks).filter(function (v) { return v !== null; }));
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var item = items[0];
          var size = d.history.sizes[item.dataIndex];
          return item.axisValue + "：" + (item.value === null || item.value === undefined ? "—" : item.value) +
            (size ? " / " + size : "");
        }
      },
      grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: d.history.years },
      yAxis: { type: "value", name: d.labels.rank, inverse: true, min: 1, max: Math.max(largest, 2), minInterval: 1 },
      series: [{ name: d.labels.rank, type: "line", data: d.history.ranks, itemStyle: { color: ACCENT },
                 label: { show: true, position: "top" }, connectNulls: false }]
    });
    chart.getDom().dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("zone-profile-data");
    if (!node) return;
    var d = JSON.parse(node.textContent);
    radar(d);
    history(d);
  });
})();
