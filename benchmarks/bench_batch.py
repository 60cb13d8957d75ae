"""``invert_many`` against a Python loop over the fallback: items/s, speed-up, peak memory.

Cases (default parameters):

* ``1d``: 10,000 synthetic CPMG decays (1024 echoes, two T2 components drawn
  per item, unit noise), 100 tau, inverted by one ``invert_many`` call on all
  cores; the same stack's first 2,500 items show how memory grows with the stack;
* ``python loop``: ``iltload``/``init``/``invert(backend="python")`` per item,
  what an ILTpy user writes (the fallback stands in for ILTpy): a sample of
  ``--python-sample`` items is timed and the time per item extrapolated to the
  10,000 (marked so in the table);
* ``2d``: 50 synthetic T1-T2 maps 16 x 1024, tau 30 x 30.

Every configuration runs in a fresh subprocess (its own peak RSS); wall and
CPU times (all threads) are medians over ``--repeats`` runs.  The machine is
shared, so wall times are noisy: CPU time per item is the steadier number.  Writes
``benchmarks/results/bench_batch.md``.  Run: ``nice .venv/bin/python benchmarks/bench_batch.py``
(``--quick``: a smoke run with fewer items).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from bench_core import peak_rss_mb

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def cpmg_stack(items, seed=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(1e-3, 2, 1024)
    short, long = 10 ** rng.uniform(-2.5, -1, items), 10 ** rng.uniform(-1, 0, items)
    amplitude = rng.uniform(50, 150, (2, items))
    data = amplitude[0, :, None] * np.exp(-t / short[:, None]) + amplitude[1, :, None] * np.exp(-t / long[:, None])
    return data + rng.normal(size=data.shape), t, np.logspace(-4, 1, 100)


def t1t2_stack(items, seed=1):
    rng = np.random.default_rng(seed)
    t1, t2 = np.logspace(-3, 1, 16), np.linspace(1e-3, 2, 1024)
    maps = np.empty((items, t1.size, t2.size))
    for i in range(items):
        T1, T2 = 10 ** rng.uniform(-2, 0, 2), 10 ** rng.uniform(-2.5, -0.5, 2)
        for a, b in zip(T1, T2):
            maps[i] += 50 * np.outer(1 - 2 * np.exp(-t1 / a), np.exp(-t2 / b))
    maps += rng.normal(size=maps.shape)
    return maps, [t1, t2], [np.logspace(-3, 1.5, 30), np.logspace(-3.5, 0.5, 30)]


def child(case, items):
    """Run one configuration in this process; returns its measurements."""
    import warnings

    import fastilt as ilt

    warnings.simplefilter("ignore", UserWarning)  # init's alt_g advice for 2D data
    if case == "2d":
        stack, t, tau = t1t2_stack(items)
        kernel = [ilt.Exponential(), ilt.Exponential()]
    else:
        stack, t, tau = cpmg_stack(items)
        kernel = ilt.Exponential()
    wall, cpu = time.perf_counter(), time.process_time()
    out = {"stack_mb": stack.nbytes / 2**20}
    if case == "python":
        per_item = []
        for item in stack:
            start = time.perf_counter()
            d = ilt.iltload(data=item, t=t)
            d.init(tau, kernel)
            d.invert(verbose=0, backend="python")
            per_item.append(time.perf_counter() - start)
        out["per_item_s"] = float(np.median(per_item))
    else:
        result = ilt.invert_many(stack, t, tau, kernel, verbose=0)
        out.update(solver=result.solver, threads=result.n_jobs,
                   iterations=float(np.median(result.iterations)))
    out["wall_s"] = time.perf_counter() - wall
    out["cpu_s"] = time.process_time() - cpu
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def run(case, items, repeats):
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, __file__, "--child", case, str(items)], capture_output=True,
                              text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {key: (float(np.median([r[key] for r in runs])) if isinstance(runs[0][key], float) else runs[0][key])
            for key in runs[0]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--python-sample", type=int, default=50)
    parser.add_argument("--maps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1,000 decays, 10 python items, 5 maps, 1 run")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    if args.quick:
        args.items, args.python_sample, args.maps, args.repeats = 1000, 10, 5, 1

    n = args.items
    batch = run("1d", n, args.repeats)
    quarter = run("1d", n // 4, 1)
    python = run("python", args.python_sample, 1)
    maps = run("2d", args.maps, args.repeats)
    python_total = python["per_item_s"] * n

    python_cpu = python["cpu_s"] / args.python_sample  # per item
    rows = [
        ("1D CPMG 1024 echoes, tau 100", f"{n}", f"invert_many ({batch['solver']}, {batch['threads']} threads)",
         batch, n, python_total / batch["wall_s"], python_cpu * n / batch["cpu_s"]),
        ("1D CPMG 1024 echoes, tau 100", f"{n // 4}",
         f"invert_many ({quarter['solver']}, {quarter['threads']} threads)", quarter, n // 4, None, None),
        ("1D CPMG 1024 echoes, tau 100", f"{n} (extrapolated from {args.python_sample})",
         "python loop (iltload/init/invert, fallback)",
         {**python, "wall_s": python_total, "cpu_s": python_cpu * n, "stack_mb": None}, n, 1.0, 1.0),
        ("2D T1-T2 16 x 1024, tau 30 x 30", f"{args.maps}",
         f"invert_many ({maps['solver']}, {maps['threads']} threads)", maps, args.maps, None, None),
    ]
    lines = [
        f"fastilt invert_many, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}; medians of {args.repeats} runs (the quarter stack and the python "
        "sample: one run).  Times are of the invert_many call (or the loop) alone.  The machine is shared: "
        "CPU ms per item is the steady number, items/s (wall) depends on the load.",
        "",
        "| problem | items | how | wall (s) | CPU (s) | CPU ms/item | items/s (wall) | speed-up (wall) "
        "| speed-up (CPU) | peak RSS (MB) | stack (MB) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for problem, items, how, m, count, speedup, cpu_speedup in rows:
        def ratio(x):
            return "" if x is None else f"{x:.0f}x"

        stack = "" if m["stack_mb"] is None else f"{m['stack_mb']:.0f}"
        lines.append(f"| {problem} | {items} | {how} | {m['wall_s']:.1f} | {m['cpu_s']:.1f} | "
                     f"{1000 * m['cpu_s'] / count:.2f} | {count / m['wall_s']:.0f} | {ratio(speedup)} | "
                     f"{ratio(cpu_speedup)} | {m['peak_rss_mb']:.0f} | {stack} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "bench_batch.md").write_text(table)


if __name__ == "__main__":
    main()
