/* The grade distribution per zone: one stacked bar per zone, one series per grade. */
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("grade-distribution-data");
  var el = document.getElementById("grade-distribution-chart");
  if (!source || !el || typeof echarts === "undefined") return;
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(el, null, { renderer: "canvas" });
  window.addEventListener("resize", function () { chart.resize(); });
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: {},
    grid: { left: 40, right: 20, bottom: 60, containLabel: true },
    xAxis: { type: "category", data: d.zones, axisLabel: { interval: 0, rotate: d.zones.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: d.series.map(function (s) { return { name: s.name, type: "bar", stack: "grades", data: s.data }; }),
  });
});
