"""The country page in a browser, cold cache: time to the first chart and bytes transferred,
before (main's page: the full plotly.js bundle from the plotly wheel draws the chart in the
browser) and after (the chart is SVG drawn by the server), measured in the same run on loopback
(printed figures, not a timed test).

* after: ``demoscope serve`` (one worker, a fresh SQLite database of the built-in dataset),
  ``/countries/KAZ``; the first chart is the moment ``#country-chart svg.chart-svg`` is visible.
* before: the same chart data drawn the way main drew it until issue 14 — an HTML page with the
  data as JSON, ``plotly.min.js`` from the ``plotly`` wheel served gzipped (as main served it)
  and main's drawing code — from a small loopback server; the first chart is the moment
  plotly's ``.main-svg`` exists.

Each run opens a new browser context (an empty cache) in Debian's chromium; the figures are the
median of ``--runs`` runs. Bytes are what crossed the wire (headers and encoded bodies).
Aims (issue 14): first chart <= 0.5 s and <= 300 KB.

Run: ``.venv/bin/python bench/bench_site.py [--runs 5]`` (needs the bench extra: plotly).
"""

from __future__ import annotations

import argparse
import gzip
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# main's drawing code (app.js before issue 14), reduced to the country chart
BEFORE_JS = """
(function () {
  function draw() {
    var el = document.getElementById("country-chart");
    var d = JSON.parse(document.getElementById("country-chart-data").textContent);
    var traces = [{ x: d.years, y: d.ds, name: d.score_name, mode: "lines+markers",
                    line: { width: 4, color: "#1b1f24" } }];
    Object.keys(d.categories).forEach(function (code) {
      traces.push({ x: d.years, y: d.categories[code], name: d.names[code] + " (" + code + ")",
                    mode: "lines+markers", line: { width: 1.5 }, connectgaps: false });
    });
    Plotly.newPlot(el, traces, { margin: { t: 20, r: 10, l: 50, b: 40 },
      yaxis: { range: [7.25, 0.75], dtick: 1 }, xaxis: { dtick: 1, tickformat: "d" },
      legend: { orientation: "h", x: 0, y: -0.08, yanchor: "top" } },
      { responsive: true, displaylogo: false });
  }
  if (document.readyState === "complete") draw(); else window.addEventListener("load", draw);
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def before_assets(after_base: str) -> dict[str, tuple[bytes, str, bool]]:
    """main's country page rebuilt from the same data: {path: (body, type, gzip)}."""
    import plotly

    series = json.loads(urllib.request.urlopen(f"{after_base}/api/v1/countries/KAZ").read())
    eds = series["editions"]
    cats = [c for c in ("EP", "CS", "IM", "GOV", "NDG", "LDG", "JFI", "CO")
            if any(c in e["ratings"] for e in eds)]
    chart = {"years": [e["edition"] for e in eds], "ds": [e["democracy_score"] for e in eds],
             "categories": {c: [e["ratings"].get(c) for e in eds] for c in cats},
             "names": dict.fromkeys(cats, ""), "score_name": "score"}
    page = urllib.request.urlopen(f"{after_base}/countries/KAZ").read().decode()
    head, _, _ = page.partition("<main")
    html = (head + '<main id="main"><h1>Kazakhstan</h1><div id="country-chart" class="chart">'
            '</div><script type="application/json" id="country-chart-data">'
            + json.dumps(chart) + '</script></main><script src="/plotly.min.js" defer></script>'
            '<script src="/draw.js" defer></script></body></html>')
    css = urllib.request.urlopen(f"{after_base}/static/style.css").read()
    js = (Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js").read_bytes()
    return {"/countries/KAZ": (html.encode(), "text/html; charset=utf-8", False),
            "/static/style.css": (css, "text/css", False),
            "/plotly.min.js": (gzip.compress(js, 6, mtime=0), "text/javascript", True),
            "/draw.js": (BEFORE_JS.encode(), "text/javascript", False)}


def serve_before(assets: dict[str, tuple[bytes, str, bool]]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = assets.get(self.path.split("?")[0])
            if found is None:
                self.send_response(404)
                self.end_headers()
                return
            body, kind, packed = found
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if packed:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(browser, url: str, selector: str) -> tuple[float, int]:
    """Seconds from navigation to ``selector`` visible, and bytes over the wire, cold cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    got: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: got.append(int(e["encodedDataLength"])))
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="visible", timeout=30000)
    took = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    context.close()
    return took, sum(got)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        env = {"DEMOSCOPE_DATABASE_URL": url, "PATH": str(bindir)}
        subprocess.run([str(bindir / "demoscope"), "db", "init"], env=env, check=True,
                       capture_output=True)
        port = free_port()
        proc = subprocess.Popen([str(bindir / "demoscope"), "serve", "--host", "127.0.0.1",
                                 "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        after = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(after + "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            server, before = serve_before(before_assets(after))
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                rows = {}
                for name, base, sel in (("before (plotly.js bundle)", before, "#country-chart .main-svg"),
                                        ("after (server SVG)", after, "#country-chart svg.chart-svg")):
                    measure(browser, base + "/countries/KAZ", sel)  # warm the server, not the browser
                    runs = [measure(browser, base + "/countries/KAZ", sel) for _ in range(args.runs)]
                    rows[name] = (statistics.median(t for t, _ in runs),
                                  statistics.median(b for _, b in runs))
                browser.close()
            server.shutdown()
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"country page /countries/KAZ, cold cache, median of {args.runs} runs (loopback, chromium)")
    print(f"{'':28} {'first chart':>12} {'transferred':>12}")
    for name, (t, b) in rows.items():
        print(f"{name:28} {t * 1000:>9.0f} ms {b / 1024:>9.0f} KB")
    (tb, bb), (ta, ba) = rows.values()
    print(f"after/before: time x{ta / tb:.2f}, bytes x{ba / bb:.3f}; aims: <= 500 ms and <= 300 KB: "
          f"{'met' if ta <= 0.5 and ba <= 300 * 1024 else 'NOT met'}")


if __name__ == "__main__":
    main()
