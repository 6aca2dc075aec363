// demoscope: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Selects marked data-autosubmit submit their form when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // The edition picker goes straight to /editions/YEAR.
  document.querySelectorAll("form[data-go-edition]").forEach(function (form) {
    var sel = form.querySelector("select");
    function go(ev) { if (ev) ev.preventDefault(); window.location.href = "/editions/" + sel.value; }
    form.addEventListener("submit", go);
    sel.addEventListener("change", function () { go(); });
  });

  // Client-side sorting for tables with class "sortable": click (or Enter on) a header.
  function cellValue(row, idx, kind) {
    var cell = row.children[idx];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (kind === "num") { var n = parseFloat(raw); return isNaN(n) ? null : n; }
    return raw.toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, idx) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      th.tabIndex = 0;
      th.setAttribute("role", "columnheader");
      function sort(ev) {
        if (ev) ev.preventDefault();
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { if (h !== th) h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, idx, kind), y = cellValue(b, idx, kind);
          if (x === null && y === null) return 0;
          if (x === null) return 1;   // n/a always last
          if (y === null) return -1;
          var c = x < y ? -1 : x > y ? 1 : 0;
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") sort(ev); });
    });
  });

  // Charts: plotly.js is served by the app itself (from the plotly wheel), never a CDN.
  function axis(range, reversed) {
    return { range: reversed ? [range[1] + 0.25, range[0] - 0.25] : [range[0] - 0.25, range[1] + 0.25],
             dtick: 1, title: { text: reversed ? "rating (1 = most democratic)" : "rating (7 = most democratic)" } };
  }
  function xaxis() { return { dtick: window.innerWidth < 600 ? 4 : 1, tickformat: "d", automargin: true }; }
  function legend() { return { orientation: "h", x: 0, y: -0.08, yanchor: "top" }; }
  function draw() {
    if (typeof Plotly === "undefined") return;
    var el = document.getElementById("country-chart");
    if (el) {
      var d = JSON.parse(document.getElementById("country-chart-data").textContent);
      var traces = [{ x: d.years, y: d.ds, name: d.score_name, mode: "lines+markers",
                      line: { width: 4, color: "#1b1f24" } }];
      Object.keys(d.categories).forEach(function (code) {
        traces.push({ x: d.years, y: d.categories[code], name: d.names[code] + " (" + code + ")",
                      mode: "lines+markers", line: { width: 1.5 }, connectgaps: false });
      });
      Plotly.newPlot(el, traces, { margin: { t: 20, r: 10, l: 50, b: 40 }, yaxis: axis(d.range, d.reversed),
        xaxis: xaxis(), legend: legend() },
        { responsive: true, displaylogo: false });
    }
    var cmp = document.getElementById("compare-chart");
    if (cmp) {
      var c = JSON.parse(document.getElementById("compare-chart-data").textContent);
      var series = c.series.map(function (s) { return { x: s.x, y: s.y, name: s.name, mode: "lines+markers" }; });
      Plotly.newPlot(cmp, series, { margin: { t: 20, r: 10, l: 50, b: 40 }, yaxis: axis(c.range, c.reversed),
        xaxis: xaxis(), legend: legend() },
        { responsive: true, displaylogo: false });
    }
  }
  if (document.readyState === "complete") draw(); else window.addEventListener("load", draw);
})();
