/* A chain's diagram: an ECharts tree from the chain through upstream / midstream / downstream to its links, each
   link coloured by its coverage (gap, gap with a project under way, weak, covered). A click on a link scrolls to
   its section (firms, projects, target firms, land). Data from the page's json_script "chain-data". */
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("chain-diagram");
    var source = document.getElementById("chain-data");
    if (!el || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var leaves = 0;
    (function count(node) {
      if (!node.children || !node.children.length) { leaves += 1; return; }
      node.children.forEach(count);
    })(data.tree);
    el.style.height = Math.max(320, leaves * 26) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data || {};
          if (d.state === undefined) return p.name;
          return p.name + "<br>" + data.labels.firms + "：" + d.value + "<br>" + data.labels.state + "：" + d.state;
        }
      },
      series: [{
        type: "tree",
        data: [data.tree],
        orient: "LR",
        top: 10, bottom: 10, left: 90, right: 220,
        initialTreeDepth: -1,
        expandAndCollapse: false,
        symbolSize: 12,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
        lineStyle: { color: "#b0b8c4", width: 1.2 }
      }]
    });
    chart.on("click", function (p) {
      var anchor = p.data && p.data.anchor;
      var target = anchor && document.getElementById(anchor);
      if (target) target.scrollIntoView({ behavior: "smooth" });
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
