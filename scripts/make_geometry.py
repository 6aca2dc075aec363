"""Derive the site's map geometry once from Natural Earth (via the npm package ``world-atlas``).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/make_geometry.py package/countries-50m.json > src/demoscope/web/static/geo/countries.json

The output (committed) holds one SVG path per country of the registry, projected (Albers
equal-area conic, parallels 40°N and 65°N, central meridian 48°E), clipped to 12–88°E and
36–82°N (Russia's Asian part beyond 88°E is left out: the map is about the 29 countries),
simplified (Douglas–Peucker, 0.6 units of a 1000-wide view) and rounded to 0.1. Natural Earth
is in the public domain; world-atlas is © Michael Bostock, ISC licence (see
src/demoscope/web/static/geo/SOURCE.md). Nothing is fetched at run time.
"""

from __future__ import annotations

import json
import math
import sys

from demoscope.countries import registry

NAMES = {"Bosnia and Herz.": "BIH", "Czechia": "CZE", "Macedonia": "MKD", "Kosovo": "XKX"}
LON0, LON1, LAT0, LAT1 = 12.0, 88.0, 36.0, 82.0
WIDTH = 1000.0
TOLERANCE = 0.6


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring(arcs: list[list[tuple[float, float]]], idxs: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in idxs:
        a = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(a[1:] if pts else a)
    return pts


def clip(pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland–Hodgman against the lon/lat rectangle."""
    def edge(points, inside, cut):
        res = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            if inside(cur):
                if not inside(prev):
                    res.append(cut(prev, cur))
                res.append(cur)
            elif inside(prev):
                res.append(cut(prev, cur))
        return res

    def at_x(xv):
        return lambda p, q: (xv, p[1] + (q[1] - p[1]) * (xv - p[0]) / (q[0] - p[0]))

    def at_y(yv):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (yv - p[1]) / (q[1] - p[1]), yv)

    for inside, cut in ((lambda p: p[0] >= LON0, at_x(LON0)), (lambda p: p[0] <= LON1, at_x(LON1)),
                        (lambda p: p[1] >= LAT0, at_y(LAT0)), (lambda p: p[1] <= LAT1, at_y(LAT1))):
        if not pts:
            return pts
        pts = edge(pts, inside, cut)
    return pts


def albers(lon: float, lat: float) -> tuple[float, float]:
    p1, p2, l0, f0 = map(math.radians, (40.0, 65.0, 48.0, 34.0))
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(c - 2 * n * math.sin(f0)) / n
    lam, phi = math.radians(lon), math.radians(lat)
    rho = math.sqrt(c - 2 * n * math.sin(phi)) / n
    th = n * (lam - l0)
    return rho * math.sin(th), rho0 - rho * math.cos(th)


def simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            d = (abs(dy * (px - ax) - dx * (py - ay)) / norm if norm > 1e-9
                 else math.hypot(px - ax, py - ay))  # a closed ring: distance to its start
            if d > best:
                best, at = d, i
        if best > tol:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def main(path: str) -> None:
    with open(path) as fh:
        topo = json.load(fh)
    arcs = decode_arcs(topo)
    reg = registry()
    polys: dict[str, list[list[tuple[float, float]]]] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        name = g["properties"]["name"]
        iso3 = NAMES.get(name) or (c.iso3 if (c := reg.find(name)) else None)
        if iso3 is None or iso3 not in reg.by_iso3:
            continue
        parts = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        for poly in parts:
            outer = clip(ring(arcs, poly[0]))
            if len(outer) >= 3:
                polys.setdefault(iso3, []).append([albers(*p) for p in outer])
    missing = sorted(set(reg.by_iso3) - set(polys))
    if missing:
        sys.exit(f"no geometry for {missing}")
    xs = [x for rings in polys.values() for r in rings for x, _ in r]
    ys = [y for rings in polys.values() for r in rings for _, y in r]
    scale = WIDTH / (max(xs) - min(xs))
    height = (max(ys) - min(ys)) * scale
    out = {}
    for iso3, rings in sorted(polys.items()):
        d = []
        for r in rings:
            pts = simplify([((x - min(xs)) * scale, (max(ys) - y) * scale) for x, y in r], TOLERANCE)
            pairs = zip(pts, pts[1:] + pts[:1], strict=True)
            area = abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in pairs)) / 2
            if len(pts) < 3 or area < 12:  # specks of islands: invisible, and bytes
                continue
            d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z")
        out[iso3] = "".join(d)
    json.dump({"viewBox": f"0 0 {WIDTH:.0f} {height:.0f}",
               "source": "Natural Earth 1:50m admin-0 countries via world-atlas 2.0.2 "
                         "(scripts/make_geometry.py)",
               "countries": out}, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
