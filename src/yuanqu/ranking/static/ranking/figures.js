/* A zone's reported figures as charts: one figure at a time, over the years, and January to date this year
   against last year (like for like, month by month). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("figure-chart-data");
    var choice = document.getElementById("figure-chart-choice");
    if (!node || !choice || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var years = echarts.init(document.getElementById("figure-chart-years"));
    var months = echarts.init(document.getElementById("figure-chart-months"));
    var monthNames = [];
    for (var m = 1; m <= 12; m++) monthNames.push(english ? "Jan–" + m : "1–" + m + "月");
    data.figures.forEach(function (figure, index) {
      var option = document.createElement("option");
      option.value = String(index);
      option.textContent = english ? figure.label_en + " (" + figure.unit_en + ")" : figure.label + "（" + figure.unit + "）";
      choice.appendChild(option);
    });
    function draw() {
      var figure = data.figures[Number(choice.value) || 0];
      var name = english ? figure.label_en : figure.label;
      years.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        grid: { left: 80, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.years },
        yAxis: { type: "value", name: english ? figure.unit_en : figure.unit },
        series: [{ name: name, type: "bar", data: figure.years, itemStyle: { color: "#b3261e" }, barMaxWidth: 48 }]
      }, true);
      var thisYear = data.year ? String(data.year) : "";
      var lastYear = data.year ? String(data.year - 1) : "";
      months.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: [thisYear, lastYear], top: 0 },
        grid: { left: 80, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: monthNames },
        yAxis: { type: "value", name: english ? figure.unit_en : figure.unit },
        series: [
          { name: thisYear, type: "line", data: figure.months_now, itemStyle: { color: "#b3261e" }, connectNulls: false },
          { name: lastYear, type: "line", data: figure.months_before, itemStyle: { color: "#8a8f98" },
            lineStyle: { type: "dashed" }, connectNulls: false }
        ]
      }, true);
    }
    choice.addEventListener("change", draw);
    draw();
    window.addEventListener("resize", function () { years.resize(); months.resize(); });
  });
})();
