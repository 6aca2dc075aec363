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

  // Charts are SVG drawn by the server; this adds a tooltip that lists every visible line at
  // the edition under the pointer (full name, two decimals, the edition's label).
  document.querySelectorAll("figure.chart-box").forEach(function (fig) {
    var data = document.getElementById(fig.id + "-data");
    if (!data) return;
    var d = JSON.parse(data.textContent);
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    fig.appendChild(tip);
    fig.querySelectorAll("svg.chart-svg").forEach(function (svg) {
      var left = parseFloat(svg.getAttribute("data-left")), width = parseFloat(svg.getAttribute("data-width"));
      var n = parseInt(svg.getAttribute("data-n"), 10);
      var vb = svg.viewBox.baseVal;
      svg.addEventListener("mousemove", function (ev) {
        var box = svg.getBoundingClientRect();
        var x = (ev.clientX - box.left) * vb.width / box.width;
        var i = n < 2 ? 0 : Math.round((x - left) / width * (n - 1));
        if (i < 0 || i >= n) { tip.hidden = true; return; }
        var showCats = fig.parentNode.querySelector(".toggle");
        var lines = d.lines.filter(function (l) { return l.primary || (showCats && showCats.checked); });
        var showCi = fig.parentNode.querySelector(".ci-toggle");
        var rows = lines.filter(function (l) { return l.values[i] !== null; }).map(function (l) {
          var ci = showCi && showCi.checked && l.lo && l.lo[i] !== null && l.hi[i] !== null
            ? " (90 %: " + l.lo[i].toFixed(2) + "–" + l.hi[i].toFixed(2) + ")" : "";
          return l.name + (l.primary ? "" : " (" + l.key + ")") + ": " + l.values[i].toFixed(2) + (l.printed[i] ? " (printed)" : "") + ci;
        });
        if (!rows.length) { tip.hidden = true; return; }
        tip.textContent = "";
        var head = document.createElement("strong");
        head.textContent = d.labels[i] + " edition";
        tip.appendChild(head);
        rows.forEach(function (r) { var div = document.createElement("div"); div.textContent = r; tip.appendChild(div); });
        tip.hidden = false;
        var fbox = fig.getBoundingClientRect();
        var px = ev.clientX - fbox.left + 12, py = ev.clientY - fbox.top + 12;
        if (px + tip.offsetWidth > fbox.width) px = Math.max(0, px - tip.offsetWidth - 24);
        tip.style.left = px + "px";
        tip.style.top = py + "px";
      });
      svg.addEventListener("mouseleave", function () { tip.hidden = true; });
    });
  });
})();
