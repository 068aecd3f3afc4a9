/* The zone-evaluation method editor, made easier where scripts run (it works without them): a row added to a
   table from its template, an indicator's figure or ratio fields shown by its type, the category weights summed
   as they are typed, and the category keys offered to the indicators. */
(function () {
  "use strict";

  function addRow(tableId) {
    var table = document.getElementById(tableId);
    var template = document.getElementById(tableId + "-empty");
    if (!table || !template) return;
    var prefix = table.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var index = Number(total.value);
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("tr");
    table.querySelector("tbody").appendChild(row);
    total.value = String(index + 1);
    showKind(row);
    var first = row.querySelector("input[type=text]");
    if (first) first.focus();
  }

  function showKind(row) {
    var kind = row.querySelector("select[data-kind]");
    if (kind) row.dataset.kind = kind.value;
  }

  function fraction(text) {
    text = (text || "").trim();
    var parts = text.match(/^(\d+)\s*\/\s*(\d+)$/);
    if (parts) return Number(parts[2]) ? Number(parts[1]) / Number(parts[2]) : NaN;
    return text === "" ? NaN : Number(text);
  }

  function live(row) {
    var remove = row.querySelector("input[type=checkbox][name$='-DELETE']");
    return !(remove && remove.checked);
  }

  function sumWeights() {
    var output = document.getElementById("weight-sum");
    var table = document.getElementById("categories");
    if (!output || !table) return;
    var sum = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var weight = row.querySelector("input[name$='-weight']");
      var value = weight ? fraction(weight.value) : NaN;
      if (live(row) && !isNaN(value)) sum += value;
    });
    output.textContent = String(Math.round(sum * 1e6) / 1e6);
    output.classList.toggle("off", Math.abs(sum - 100) > 1e-6);
  }

  function categoryKeys() {
    var list = document.getElementById("category-keys");
    var table = document.getElementById("categories");
    if (!list || !table) return;
    list.innerHTML = "";
    table.querySelectorAll("tbody input[name$='-key']").forEach(function (input) {
      if (!input.value.trim()) return;
      var option = document.createElement("option");
      option.value = input.value.trim();
      list.appendChild(option);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("method-form");
    if (!form) return;
    document.querySelectorAll("#indicators tbody tr").forEach(showKind);
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-row]");
      if (!button) return;
      event.preventDefault();
      addRow(button.dataset.addRow);
    });
    form.addEventListener("change", function (event) {
      if (event.target.matches("select[data-kind]")) showKind(event.target.closest("tr"));
      sumWeights();
    });
    form.addEventListener("input", function (event) {
      if (event.target.closest("#categories")) {
        sumWeights();
        categoryKeys();
      }
    });
    sumWeights();
  });
})();
