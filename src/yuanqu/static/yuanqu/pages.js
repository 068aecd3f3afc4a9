/* yuanqu's page scripts: draw the charts and the parcel map from data the page embeds with json_script.
   Every library is served by yuanqu itself; nothing here reaches outside the intranet. */
(function () {
  "use strict";

  var ACCENT = "#b3261e";
  var SECOND = "#0b5cad";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function chartOn(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function enterpriseChart() {
    var d = data("enterprise-chart-data");
    var chart = d && chartOn("enterprise-chart");
    if (!chart) return;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [d.labels.tax, d.labels.tax_per_mu], top: 0 },
      grid: { left: 60, right: 60, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.years },
      yAxis: [
        { type: "value", name: d.labels.tax, nameTextStyle: { align: "left" } },
        { type: "value", name: d.labels.tax_per_mu, nameTextStyle: { align: "right" }, splitLine: { show: false } }
      ],
      series: [
        { name: d.labels.tax, type: "bar", data: d.tax, itemStyle: { color: SECOND }, barMaxWidth: 40 },
        { name: d.labels.tax_per_mu, type: "line", yAxisIndex: 1, data: d.tax_per_mu, itemStyle: { color: ACCENT }, connectNulls: false }
      ]
    });
  }

  /* A bar per zone of one figure (the home page: data-zone-chart names the element holding the data). */
  function zoneCharts() {
    document.querySelectorAll("[data-zone-chart]").forEach(function (el) {
      var d = data(el.dataset.zoneChart);
      var chart = d && chartOn(el.id);
      if (!chart) return;
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 20, top: 30, bottom: 60 },
        xAxis: { type: "category", data: d.zones, axisLabel: { interval: 0, rotate: d.zones.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", name: d.label },
        series: [{ name: d.label, type: "bar", data: d.values, itemStyle: { color: ACCENT }, barMaxWidth: 48,
                   label: { show: true, position: "top" } }]
      });
    });
  }

  function parcelMap() {
    var feature = data("parcel-map-data");
    var el = document.getElementById("parcel-map");
    if (!feature || !el || typeof maplibregl === "undefined") return;
    // No base map: the style holds only the parcel's own polygon (intranets cannot fetch tiles).
    var map = new maplibregl.Map({
      container: el,
      attributionControl: false,
      bounds: feature.bbox,
      fitBoundsOptions: { padding: 40 },
      style: {
        version: 8,
        sources: { parcel: { type: "geojson", data: feature } },
        layers: [
          { id: "background", type: "background", paint: { "background-color": "#f4f6f8" } },
          { id: "parcel-fill", type: "fill", source: "parcel", paint: { "fill-color": ACCENT, "fill-opacity": 0.25 } },
          { id: "parcel-line", type: "line", source: "parcel", paint: { "line-color": ACCENT, "line-width": 2 } }
        ]
      }
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    el.dataset.ready = "1";
  }

  /* Behaviour that would otherwise sit in attributes the Content-Security-Policy refuses (onchange=, htmx trigger
     filters, which htmx evaluates as code): a select that submits its form (the language), and a form whose
     selects announce a change to htmx under the event its data-select-changes names (the enterprise filters). */
  function formBehaviour() {
    document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("form[data-select-changes]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target.tagName === "SELECT" && typeof htmx !== "undefined") {
          htmx.trigger(form, form.dataset.selectChanges);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    formBehaviour();
    enterpriseChart();
    zoneCharts();
    parcelMap();
  });
})();
