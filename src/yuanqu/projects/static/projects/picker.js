/* Searchable pickers of the project form: an input with data-picker="<url>" proposes, as the user types part of a
   code or name, the matching labels (a datalist filled from the url's JSON: {results: [{label, warning}]}), and shows
   the chosen one's warning (a parcel another project or enterprise uses) below it. No inline script (CSP). */
(function () {
  "use strict";

  function setUp(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-options";
    input.setAttribute("list", list.id);
    input.parentNode.insertBefore(list, input.nextSibling);
    var warning = document.createElement("small");
    warning.className = "picker-warning error";
    warning.setAttribute("data-picker-warning", "");
    warning.hidden = true;
    list.parentNode.insertBefore(warning, list.nextSibling);
    var warnings = {};
    var timer = null;
    var asked = "";

    function showWarning() {
      var text = warnings[input.value] || "";
      warning.textContent = text;
      warning.hidden = !text;
    }

    function search() {
      var q = input.value.trim();
      if (q === asked) {
        showWarning();
        return;
      }
      asked = q;
      var url = new URL(input.getAttribute("data-picker"), window.location.href);
      url.searchParams.set("q", q.split("（")[0]);
      var project = input.getAttribute("data-picker-project");
      if (project) url.searchParams.set("project", project);
      fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (q !== asked) return; // a later search is under way
          list.textContent = "";
          data.results.forEach(function (result) {
            var option = document.createElement("option");
            option.value = result.label;
            list.appendChild(option);
            warnings[result.label] = result.warning;
          });
          showWarning();
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("change", search);
    input.addEventListener("focus", search);
    if (input.value) search();
  }

  function start() {
    document.querySelectorAll("input[data-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
