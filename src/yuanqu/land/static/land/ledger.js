/* The land ledger's charts: mu by status, and mu revitalised / newly idle per year, from the page's json_script. */
(function () {
  "use strict";

  function chartOn(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("land-ledger-data");
    if (!node) return;
    var d = JSON.parse(node.textContent);
    var byStatus = chartOn("land-status-chart");
    if (byStatus) {
      byStatus.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 20, top: 30, bottom: 56 },
        // Long (English) status names wrap within their column instead of running into the next one.
        xAxis: { type: "category", data: d.labels,
                 axisLabel: { interval: 0, overflow: "break", lineHeight: 14,
                              width: Math.max(40, (byStatus.getWidth() - 80) / Math.max(1, d.labels.length) - 8) } },
        yAxis: { type: "value", name: d.series[0] },
        series: [{ name: d.series[0], type: "bar", data: d.area_mu, itemStyle: { color: "#0b5cad" }, barMaxWidth: 48,
                   label: { show: true, position: "top",
                            formatter: function (p) { return Number(p.value).toLocaleString("zh-CN", { maximumFractionDigits: 2 }); } } }]
      });
    }
    var byYear = chartOn("land-change-chart");
    if (byYear) {
      byYear.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: [d.series[1], d.series[2]], top: 0 },
        grid: { left: 60, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: d.years },
        yAxis: { type: "value" },
        series: [
          { name: d.series[1], type: "bar", data: d.revitalised_mu, itemStyle: { color: "#2e7d32" }, barMaxWidth: 32 },
          { name: d.series[2], type: "bar", data: d.newly_idle_mu, itemStyle: { color: "#b3261e" }, barMaxWidth: 32 }
        ]
      });
    }
  });
})();
