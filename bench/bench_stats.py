"""Benchmark of the stats package: the fast fit against the NUTS reference of the same model on
the same simulated panels, at 10⁴, 10⁵ and 10⁶ ratings; then independent panels through the
CLI path (``demoscope estimate --ratings``).

Prints wall time, peak memory (max RSS of a fresh process per run), RMSE against the known
truth (and the plain mean of the raters, the baseline), and the coverage of the 90 % intervals.
NUTS (numpyro, 1 chain, 500 warm-up + 500 draws) runs only where it fits the time budget
(default 30 minutes); larger sizes are extrapolated from the measured runs, and printed as such.

    python bench/bench_stats.py                       # everything (about an hour with NUTS)
    python bench/bench_stats.py --sizes 1e4,1e5 --nuts-sizes 2e3 --no-cli
    python bench/bench_stats.py --cli-only

The machine is shared (2 cores): timings are noisy; each run is one measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SIM = {"bridge": 0.4}


# -- one measurement per fresh process -------------------------------------------------------


def _worker(kind: str, n: int, seed: int, warmup: int, samples: int) -> dict:
    from demoscope.methodology import nit
    from demoscope.stats.estimate import estimate_panel
    from demoscope.stats.simulate import simulate_ratings

    m = nit()
    sim = simulate_ratings(m, n, seed=seed, **SIM)
    p = sim.panel
    started = time.perf_counter()
    est = estimate_panel(p, m, seed=seed)
    fast_seconds = time.perf_counter() - started
    cells = est.fitted_cells
    truth = sim.truth[cells]
    multi = p.cell_counts()[cells] > 1
    plain = p.cell_means()[cells]
    out = {"ratings": p.n_ratings, "cells": p.n_cells, "raters": len(p.raters),
           "rmse_plain_mean": float(np.sqrt(np.mean((plain - truth) ** 2)))}
    if kind == "fast":
        z = np.clip(est.fit.z_mean, 1, 7)
        lo, hi = z - 1.6449 * est.fit.z_sd, z + 1.6449 * est.fit.z_sd
        out.update(seconds=fast_seconds, iterations=est.fit.iterations)
    else:
        from demoscope.stats.model import Grid
        from demoscope.stats.reference import reference_fit

        ref = reference_fit(est.fit.layout, Grid.of(m), warmup=warmup, samples=samples, seed=seed)
        z = np.clip(ref.z_mean, 1, 7)
        lo, hi = ref.z_interval()
        out.update(seconds=ref.seconds, divergences=ref.divergences)
    out["rmse"] = float(np.sqrt(np.mean((z - truth) ** 2)))
    out["coverage"] = float(np.mean(((truth >= lo) & (truth <= hi))[multi]))
    return out


def _peak_rss_of(cmd: list[str], budget: float) -> tuple[dict | None, float]:
    """Run ``cmd``; its JSON result and its peak memory (GiB, from wait4's max RSS)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_chunks: list[str] = []
    started = time.monotonic()
    import threading

    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > budget:
            proc.kill()
            os.wait4(proc.pid, 0)
            reader.join()
            return None, float("nan")
        time.sleep(0.5)
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
    return json.loads("".join(out_chunks).strip().splitlines()[-1]), usage.ru_maxrss / 2**20


def run_model_bench(sizes: list[int], nuts_sizes: list[int], budget: float, seed: int) -> None:
    print(f"== fast fit vs NUTS, same model, same simulated panels (seed {seed})")
    print(f"{'ratings':>9} {'method':>6} {'seconds':>9} {'peak GiB':>9} {'RMSE':>7} "
          f"{'mean RMSE':>9} {'cover90':>8}  note")
    fast: dict[int, dict] = {}
    for n in sorted(set(sizes) | set(nuts_sizes)):
        cmd = [sys.executable, __file__, "--worker", "fast", str(n), str(seed), "0", "0"]
        data, peak = _peak_rss_of(cmd, budget)
        assert data is not None
        fast[n] = data
        print(f"{data['ratings']:>9} {'fast':>6} {data['seconds']:>9.1f} {peak:>9.2f} "
              f"{data['rmse']:>7.3f} {data['rmse_plain_mean']:>9.3f} {data['coverage']:>8.3f}  "
              f"{data['iterations']} iterations")
    nuts: dict[int, tuple[dict, float]] = {}
    for n in sorted(set(nuts_sizes)):
        cmd = [sys.executable, __file__, "--worker", "nuts", str(n), str(seed), "500", "500"]
        data, peak = _peak_rss_of(cmd, budget)
        if data is None:
            print(f"{n:>9} {'NUTS':>6} {'>' + str(int(budget)):>9} {'':>9} {'':>7} {'':>9} {'':>8}  "
                  "did not finish within the budget: killed")
            continue
        nuts[n] = (data, peak)
        print(f"{data['ratings']:>9} {'NUTS':>6} {data['seconds']:>9.1f} {peak:>9.2f} "
              f"{data['rmse']:>7.3f} {data['rmse_plain_mean']:>9.3f} {data['coverage']:>8.3f}  "
              f"{data['divergences']} divergences; 1 chain, 500+500")
    if not nuts:
        return
    # extrapolate NUTS to the sizes it did not run: time ∝ ratings^k, k from the runs (or 1.25:
    # linear cost per gradient, slowly deeper trees as the dimension grows)
    ns = sorted(nuts)
    if len(ns) >= 2:
        x = np.log([nuts[k][0]["ratings"] for k in ns])
        y = np.log([nuts[k][0]["seconds"] for k in ns])
        k_exp = float(np.polyfit(x, y, 1)[0])
    else:
        k_exp = 1.25
    base_n = ns[-1]
    base = nuts[base_n][0]
    print(f"NUTS time scaling exponent used for extrapolation: {k_exp:.2f}")
    for n in sorted(fast):
        f = fast[n]
        if n in nuts:
            t_nuts = nuts[n][0]["seconds"]
            label = "measured"
        else:
            t_nuts = base["seconds"] * (f["ratings"] / base["ratings"]) ** k_exp
            label = f"EXTRAPOLATED from {base['ratings']} ratings"
        recovery = (f" (RMSE {f['rmse']:.3f} vs {nuts[n][0]['rmse']:.3f}, cover90 "
                    f"{f['coverage']:.3f} vs {nuts[n][0]['coverage']:.3f})" if n in nuts else "")
        print(f"{f['ratings']:>9} ratings: fast {f['seconds']:.1f} s vs NUTS {t_nuts:.0f} s "
              f"({label}): {t_nuts / f['seconds']:.0f}× faster{recovery}")


# -- independent panels through the CLI -------------------------------------------------------


def _independent_panel(rng: np.random.Generator, scenario: dict) -> tuple[list[tuple], dict]:
    """A panel drawn without the package's simulator, by rules of its own per scenario."""
    countries, years, cats = scenario["countries"], scenario["years"], scenario["categories"]
    truth = {}
    for c in range(countries):
        base = rng.uniform(1.3, 6.7)
        for k in cats:
            level = np.clip(base + rng.normal(0, 0.5), 1, 7)
            for t in range(years):
                if scenario["truth"] == "ar1":
                    level = np.clip(base + 0.85 * (level - base) + rng.normal(0, 0.25), 1, 7)
                elif scenario["truth"] == "steps" and rng.random() < 0.1:
                    level = np.clip(level + rng.choice([-1, 1]) * rng.uniform(0.5, 1.5), 1, 7)
                elif scenario["truth"] == "iid":
                    level = np.clip(base + rng.normal(0, 0.6), 1, 7)
                truth[(f"K{c}", 2000 + t, k)] = float(level)
    rows = []
    n_pool = scenario["raters"]
    pool = [f"E{i}" for i in range(n_pool)]
    bias = rng.normal(scenario["bias_mean"], scenario["bias_sd"], n_pool)
    if scenario.get("bias_skew"):
        bias = rng.exponential(scenario["bias_sd"], n_pool) - scenario["bias_sd"]
    noise = rng.uniform(*scenario["noise"], n_pool)
    stretch = rng.uniform(*scenario.get("stretch", (1, 1)), n_pool)
    integer = rng.random(n_pool) < scenario.get("integer_share", 0)
    home = rng.integers(0, countries, n_pool)
    bridges = rng.random(n_pool) < scenario.get("bridge", 0.3)
    second = np.where(bridges, rng.integers(0, countries, n_pool), -1)
    for (country, year, cat), z in truth.items():
        if scenario["assign"] == "random":
            size = rng.integers(scenario["per_cell"][0], scenario["per_cell"][1] + 1)
            who = rng.choice(n_pool, size=size, replace=False)
        else:  # country experts: each rates their home country (and some a second one)
            g = int(country[1:])
            who = np.flatnonzero((home == g) | (second == g))
        for i in who:
            if rng.random() < scenario["missing"]:
                continue
            heavy = scenario.get("heavy")
            eps = rng.standard_t(4) * noise[i] / np.sqrt(2) if heavy else rng.normal(0, noise[i])
            x = 4 + stretch[i] * (z - 4) + bias[i] + eps
            step = 1.0 if integer[i] else 0.25
            v = float(np.clip(np.round(x / step) * step, 1, 7))
            rows.append((country, year, cat, pool[i], v))
    return rows, truth


SCENARIOS = [
    {"name": "random raters, 3-6 per cell", "countries": 25, "years": 8,
     "categories": ["EP", "CS", "IM", "CO"],
     "raters": 60, "per_cell": (3, 6), "assign": "random", "bias_mean": 0, "bias_sd": 0.4,
     "noise": (0.2, 0.7), "missing": 0.1, "truth": "ar1"},
    {"name": "2-3 per cell, 30% missing, skewed bias", "countries": 30, "years": 6,
     "categories": ["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"], "raters": 40, "per_cell": (2, 3),
     "assign": "random", "bias_mean": 0, "bias_sd": 0.5, "bias_skew": True, "noise": (0.2, 0.5),
     "missing": 0.3, "truth": "steps"},
    {"name": "scale use: stretchers, compressors, integer-only", "countries": 20, "years": 10,
     "categories": ["EP", "CS", "CO"], "raters": 50, "per_cell": (4, 8), "assign": "random",
     "bias_mean": 0, "bias_sd": 0.3, "noise": (0.15, 0.5), "stretch": (0.75, 1.25),
     "integer_share": 0.25, "missing": 0.15, "truth": "ar1"},
    {"name": "heavy-tailed noise, iid truth (no time link)", "countries": 20, "years": 6,
     "categories": ["EP", "CS", "IM", "CO"], "raters": 30, "per_cell": (3, 5), "assign": "random",
     "bias_mean": 0, "bias_sd": 0.4, "noise": (0.3, 0.8), "heavy": True, "missing": 0.2, "truth": "iid"},
    {"name": "country experts (nested, 30% bridge), drifting truth", "countries": 30, "years": 12,
     "categories": ["EP", "CS", "IM", "JFI", "CO"], "raters": 150, "assign": "country", "bridge": 0.3,
     "bias_mean": 0, "bias_sd": 0.4, "noise": (0.2, 0.6), "missing": 0.15, "truth": "ar1"},
    {"name": "many raters, 8-12 per cell, low noise", "countries": 15, "years": 5,
     "categories": ["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"], "raters": 120, "per_cell": (8, 12),
     "assign": "random", "bias_mean": 0, "bias_sd": 0.35, "noise": (0.1, 0.35), "missing": 0.1,
     "truth": "steps"},
]


def _cli(path: Path, seed: int = 0) -> tuple[list[dict], float]:
    exe = Path(sys.executable).with_name("demoscope")
    started = time.perf_counter()
    out = subprocess.run([str(exe), "estimate", "--ratings", str(path), "--json", "--seed", str(seed)],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(x) for x in out.splitlines()], time.perf_counter() - started


def run_cli_bench(seed: int) -> None:
    print("== independent panels through `demoscope estimate --ratings` (bar: closer than the plain "
          "mean, 90 % intervals covering 80-97 %, 10^5 ratings < 60 s)")
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        for sc in SCENARIOS:
            rows, truth = _independent_panel(rng, sc)
            r = _through_cli(Path(tmp) / "panel.csv", rows, truth)
            verdict = "ok" if r["rmse"] < r["rmse_mean"] and 0.80 <= r["cover"] <= 0.97 else "MISSES THE BAR"
            print(f"  {sc['name']:<48} {len(rows):>6} ratings {r['seconds']:5.1f} s  RMSE {r['rmse']:.3f} vs "
                  f"plain mean {r['rmse_mean']:.3f}  cover90 {r['cover']:.3f} ({r['with_interval']:.0%} of "
                  f"cells have one)  {verdict}")
        # size: about 10^5 ratings through the CLI
        big = dict(SCENARIOS[0], countries=200, years=20, raters=400, per_cell=(2, 5),
                   categories=["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"], name="10^5 ratings")
        rows, truth = _independent_panel(rng, big)
        r = _through_cli(Path(tmp) / "big.csv", rows, truth)
        print(f"  {len(rows)} ratings through the CLI: {r['seconds']:.1f} s wall (reading, fit, output); "
              f"RMSE {r['rmse']:.3f} vs plain mean {r['rmse_mean']:.3f}; cover90 {r['cover']:.3f}")


def _through_cli(path: Path, rows: list, truth: dict) -> dict:
    """Write a panel as the CSV a researcher would give, run ``demoscope estimate --ratings`` on
    it, and score the answer against the truth: RMSE (and the plain mean's), the 90 % intervals'
    coverage over the cells that have one, the share of such cells, the wall time."""
    with path.open("w") as f:
        f.write("country,edition,category,rater,value\n")
        f.writelines(f"{c},{y},{k},{r},{v:.2f}\n" for c, y, k, r, v in rows)
    lines, seconds = _cli(path)
    cells = [x for x in lines if x["kind"] == "cell"]
    t = np.array([truth[(c["country"], c["edition"], c["category"])] for c in cells])
    e = np.array([c["estimate"] for c in cells])
    mean = np.array([c["mean"] for c in cells])
    ok = np.array([c["lo"] is not None for c in cells])
    lo = np.array([c["lo"] for c in cells if c["lo"] is not None])
    hi = np.array([c["hi"] for c in cells if c["hi"] is not None])
    return {"seconds": seconds, "rmse": float(np.sqrt(np.mean((e - t) ** 2))),
            "rmse_mean": float(np.sqrt(np.mean((mean - t) ** 2))),
            "cover": float(np.mean((t[ok] >= lo) & (t[ok] <= hi))), "with_interval": float(ok.mean())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="1e4,1e5,1e6")
    ap.add_argument("--nuts-sizes", default="2e3,1e4")
    ap.add_argument("--budget", type=float, default=1800.0, help="seconds per NUTS run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--cli-only", action="store_true")
    args = ap.parse_args()
    if args.worker:
        kind, n, seed, warmup, samples = args.worker
        print(json.dumps(_worker(kind, int(float(n)), int(seed), int(warmup), int(samples))))
        return
    if not args.cli_only:
        run_model_bench([int(float(x)) for x in args.sizes.split(",") if x],
                        [int(float(x)) for x in args.nuts_sizes.split(",") if x], args.budget, args.seed)
    if not args.no_cli:
        run_cli_bench(args.seed)


if __name__ == "__main__":
    main()
