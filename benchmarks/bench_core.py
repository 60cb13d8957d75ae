"""Compiled core against the python fallback: time, CPU time and peak memory.

Cases (100 iterations each, ``conv_limit = 0`` so that every run does all of them):

* ``pseudo2d``: synthetic CPMG-like data, 8 echo delays x N spectral points,
  35 tau (N = 512 ... 65536), as in ILTpy's data-size study;
* ``1d``: 1024 points, 100 tau: warm (the median of repeated inversions in one
  process) and fresh (``1d-fresh``: ``iltload``, ``init`` and the first
  inversion in a new process after ``import fastilt``: what a script pays for
  one inversion);
* ``nd``: data inverted in every dimension (the low-rank solver): synthetic
  T1-T2 data 256 x 64 with tau 64 x 64 and 128 x 128, default parameters and
  with ``compress``; T1-T2-D data 48 x 32 x 24 with tau 32 x 32 x 16; the real
  T1-T2 map of the gallery;
* ``real``: the real data sets of the gallery (``examples/``), set up exactly
  as the gallery scripts set them up (their cells up to the inversion, their
  own iteration settings).

Every configuration runs in a fresh subprocess, so that its peak resident
memory is its own; the compiled and fallback runs of a problem are measured
side by side in the same run.  The small problems (1D, real data) are inverted
untimed for half a second first, so that library start-up is not counted, then
timed as the median of 9 inversions.  Wall and CPU times are medians over ``--repeats``
runs (one run where a run takes longer than ``--repeat-below`` seconds).  A series
stops growing once the next size is predicted to take longer than its budget
(``--fallback-budget`` for the python fallback, which solves densely as ILTpy
does: its time grows with n³ in the nD section).

Run: ``.venv/bin/python benchmarks/bench_core.py`` (about 40 minutes on 2 cores);
``--sections nd`` runs one section, ``--sizes 1024,4096`` and ``--series band,python``
a part of the pseudo-2D one; the rows measured replace their saved rows, the
others are kept (each row says when it was measured); ``--quick`` for a smoke run.  Writes ``benchmarks/results/bench_core.{json,md,png}``.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
EXAMPLES = HERE.parent / "examples"

SECTIONS = ("pseudo2d", "1d", "nd", "real")
CASES = ("pseudo2d", "1d", "1d-fresh", "nd", "real")  # the table's order
SMALL_REPEATS = 9  # timed inversions per process for the 1D and real-data problems
PSEUDO2D_SIZES = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]
PSEUDO2D_SERIES = [("compiled", "band"), ("compiled", "cholmod"), ("python", None)]
ONE_D_SERIES = [("compiled", None), ("python", None)]
#: name -> (data shape, tau sizes, parameters); in the order they are run, so
#: that the fallback stops before the sizes it cannot finish.
ND_PROBLEMS = {
    "T1-T2 256x64, tau 64x64": ((256, 64), (64, 64), {}),
    "T1-T2 256x64, tau 64x64, compress": ((256, 64), (64, 64), {"compress": True}),
    "T1-T2 256x64, tau 128x128": ((256, 64), (128, 128), {}),
    "T1-T2 256x64, tau 128x128, compress": ((256, 64), (128, 128), {"compress": True}),
    "T1-T2-D 48x32x24, tau 32x32x16": ((48, 32, 24), (32, 32, 16), {}),
}
#: The real T1-T2 map of the gallery (30 x 30 tau, below the size where "auto"
#: takes the low-rank solver, so it is named).
ND_REAL = ("real T1-T2 map (gallery t1t2_map)", "t1t2_map")
REAL_SCRIPTS = [
    "cpmg_sandstone",
    "t1_inversion_recovery",
    "pfg_diffusion",
    "t1t2_map",
    "pseudo2d_ir_spectra",
    "epr_echo_decay",
    "eis_drt",
]


# ----------------------------------------------------------------- the problems
def pseudo2d_problem(n_points, seed=0):
    """8 x N CPMG-like spectra: three Lorentzian lines with T2 of 2 ms, 50 ms, 0.5 s."""
    import fastilt as ilt

    rng = np.random.default_rng(seed)
    t = np.logspace(-3.5, 0.5, 8)
    tau = np.logspace(-4, 1, 35)
    freq = np.linspace(-1, 1, n_points)
    lines = [(100, -0.5, 0.02, 2e-3), (150, 0.0, 0.05, 5e-2), (80, 0.4, 0.01, 0.5)]
    data = sum(
        a / (1 + ((freq - centre) / width) ** 2)[None, :] * np.exp(-t[:, None] / t2)
        for a, centre, width, t2 in lines
    )
    data = data + rng.normal(size=data.shape)
    iltdata = ilt.iltload(data=data, t=t)
    iltdata.init(tau, ilt.Exponential(), parameters={"conv_limit": 0})
    return [iltdata]


def one_d_data(seed=0):
    """``(t, signal)``: a 1024-point bi-exponential decay (T2 50 ms and 0.5 s) with unit noise."""
    rng = np.random.default_rng(seed)
    t = np.linspace(1e-3, 2, 1024)
    return t, 100 * np.exp(-t / 0.05) + 50 * np.exp(-t / 0.5) + rng.normal(size=t.size)


def one_d_problem(data=None):
    """The decay of :func:`one_d_data` loaded and initialised with 100 tau."""
    import fastilt as ilt

    t, signal = one_d_data() if data is None else data
    iltdata = ilt.iltload(data=signal, t=t)
    iltdata.init(np.logspace(-4, 1, 100), ilt.Exponential(), parameters={"conv_limit": 0})
    return [iltdata]


def nd_problem(name, seed=0):
    """Synthetic relaxation/diffusion data with two components, every dimension inverted."""
    import warnings

    import fastilt as ilt

    shape, n_tau, parameters = ND_PROBLEMS[name]
    rng = np.random.default_rng(seed)
    t = [np.logspace(-3.5 + d * 0.5, 0.5 + d * 0.5, n) for d, n in enumerate(shape)]
    tau = [np.logspace(-3.5 + d * 0.5, 0.5 + d * 0.5, n) for d, n in enumerate(n_tau)]
    components = [(300, [2e-3, 2e-2, 0.3]), (200, [5e-2, 4e-3, 1.0])]
    data = sum(
        a * np.prod(np.meshgrid(*[np.exp(-t[d] / centres[d]) for d in range(len(shape))], indexing="ij"), axis=0)
        for a, centres in components
    )
    iltdata = ilt.iltload(data=data + rng.normal(size=shape), t=t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the alt_g hint of init: the default is what is measured
        iltdata.init(tau, [ilt.Exponential()] * len(shape), parameters={"conv_limit": 0, **parameters})
    return [iltdata]


def real_problem(script):
    """The IltData of a gallery script, initialised as the script does (full size, not ``--quick``).

    The script's statements run up to the first that inverts (``.invert(``);
    the last IltData they made is the problem.
    """
    import ast
    import contextlib
    import io

    from fastilt import IltData

    path = EXAMPLES / f"{script}.py"
    source = path.read_text(encoding="utf-8")
    body = ast.parse(source).body
    first = next(i for i, node in enumerate(body) if ".invert(" in ast.get_source_segment(source, node))
    setup = ast.Module(body=body[:first], type_ignores=[])
    namespace = {"__file__": str(path), "__name__": "__main__"}
    argv, sys.argv = sys.argv, [str(path)]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(setup, str(path), "exec"), namespace)
    finally:
        sys.argv = argv
    return [[value for value in namespace.values() if isinstance(value, IltData)][-1]]


def build(case, size):
    if case == "pseudo2d":
        return pseudo2d_problem(size)
    if case in ("1d", "1d-fresh"):
        return one_d_problem()
    if case == "nd":
        return real_problem(ND_REAL[1]) if size == ND_REAL[0] else nd_problem(size)
    return real_problem(size)


# ------------------------------------------------------------- one measurement
def measure(config, g_path):
    """Run one configuration in this process; returns its numbers."""
    if config["case"] == "1d-fresh":
        return measure_fresh(config, g_path)
    problems = build(config["case"], config["size"])
    small = config["case"] in ("1d", "real")
    if small:
        # Untimed inversions for half a second first, so that library start-up
        # is not counted: first-touch of memory, and OpenBLAS's freshly started
        # threads, which spin for a while next to the main one.
        warm_until = time.perf_counter() + 0.5
        while True:
            for iltdata in problems:
                iltdata.invert(solver=config["solver"], verbose=0, backend=config["backend"])
            if time.perf_counter() > warm_until:
                break
    walls, cpus = [], []
    for _ in range(SMALL_REPEATS if small else 1):  # milliseconds: the median of several
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        for iltdata in problems:
            iltdata.invert(solver=config["solver"], verbose=0, backend=config["backend"])
        walls.append(time.perf_counter() - start_wall)
        cpus.append(time.process_time() - start_cpu)
    wall, cpu = float(np.median(walls)), float(np.median(cpus))
    np.save(g_path, np.concatenate([np.ravel(d.g) for d in problems]))
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": peak_rss_mb(),
        "iterations": int(sum(sum(c is not None for c in d.convergence) for d in problems)),
        "unknowns": int(sum(np.size(d.g) for d in problems)),
    }


def peak_rss_mb():
    """This process's peak resident memory since it started its program.

    Not ``getrusage``'s ``ru_maxrss``: Linux carries that across ``exec`` from
    the forked copy of the parent, so a small child would report at least the
    size of the benchmark driver that started it.
    """
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_fresh(config, g_path):
    """One inversion in a new process: ``iltload``, ``init`` and ``invert`` timed, after ``import fastilt``.

    The synthetic data are made before the clock starts: a user's come from a
    file, and NumPy's random generator has first-call costs of its own.
    """
    start_import = time.perf_counter()
    import fastilt  # noqa: F401

    data = one_d_data()
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    problems = one_d_problem(data)
    for iltdata in problems:
        iltdata.invert(solver=config["solver"], verbose=0, backend=config["backend"])
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    np.save(g_path, np.concatenate([np.ravel(d.g) for d in problems]))
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "import_s": start_wall - start_import,
        "peak_rss_mb": peak_rss_mb(),
        "iterations": int(sum(sum(c is not None for c in d.convergence) for d in problems)),
        "unknowns": int(sum(np.size(d.g) for d in problems)),
    }


def run_in_subprocess(config, g_path):
    command = [sys.executable, __file__, "--one", json.dumps(config), "--g-out", str(g_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{config} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_config(config, repeats, repeat_below, workdir):
    """Median of repeated subprocess runs (one if a run is slow) and the final g."""
    g_path = Path(workdir) / f"g_{abs(hash(json.dumps(config, sort_keys=True)))}.npy"
    runs = [run_in_subprocess(config, g_path)]
    while len(runs) < repeats and runs[0]["wall_s"] < repeat_below:
        runs.append(run_in_subprocess(config, g_path))
    result = dict(config)
    result.update({key: float(np.median([r[key] for r in runs])) for key in ("wall_s", "cpu_s", "peak_rss_mb")})
    result.update(iterations=runs[0]["iterations"], unknowns=runs[0]["unknowns"], runs=len(runs),
                  measured=f"{time.strftime('%Y-%m-%d')}, {cpu_model()}, load {os.getloadavg()[0]:.1f}")
    print(
        f"  {config['case']:>8} {str(config['size']):>22} {config['backend']:>8} {str(config['solver']):>8}"
        f"  wall {result['wall_s']:8.2f} s  cpu {result['cpu_s']:8.2f} s  rss {result['peak_rss_mb']:7.0f} MB",
        flush=True,
    )
    return result, np.load(g_path)


# ------------------------------------------------------------------ the series
def agreement(g, reference):
    return float(np.linalg.norm(g - reference) / np.linalg.norm(reference))


def run_series(configs, args, workdir, budget, exponent):
    """Run configurations of growing size until the next is predicted over ``budget``.

    ``configs`` are (config, size measure); time is predicted to grow as size**exponent.
    """
    results, previous = [], None
    for config, size in configs:
        if previous is not None and previous[0] * (size / previous[1]) ** exponent > budget:
            print(f"  {config['backend']} {config['size']}: skipped (predicted over {budget:.0f} s)", flush=True)
            break
        result, result["g"] = run_config(config, args.repeats, args.repeat_below, workdir)
        results.append(result)
        previous = result["wall_s"], size
    return results


def run_all(args, workdir):
    results = []
    if "pseudo2d" in args.sections:
        print("pseudo-2D, 8 x N, 35 tau, 100 iterations", flush=True)
        for backend, solver in PSEUDO2D_SERIES:
            if (solver or backend) not in args.series:
                continue
            budget = args.fallback_budget if backend == "python" else args.compiled_budget
            configs = [({"case": "pseudo2d", "size": n, "backend": backend, "solver": solver}, n)
                       for n in args.sizes if n <= args.max_n]
            results += run_series(configs, args, workdir, budget, exponent=1.1)
    if "1d" in args.sections:
        print("1D, 1024 points, 100 tau, 100 iterations", flush=True)
        for backend, solver in ONE_D_SERIES:
            results += run_series([({"case": "1d", "size": 1024, "backend": backend, "solver": solver}, 1)],
                                  args, workdir, np.inf, exponent=1)
        for backend, solver in ONE_D_SERIES:
            results += run_series([({"case": "1d-fresh", "size": 1024, "backend": backend, "solver": solver}, 1)],
                                  args, workdir, np.inf, exponent=1)
    if "nd" in args.sections:
        print("every dimension inverted, 100 iterations", flush=True)
        names = list(ND_PROBLEMS)[:2] if args.quick else list(ND_PROBLEMS)
        for backend, solver in ONE_D_SERIES:
            budget = args.fallback_budget if backend == "python" else args.compiled_budget
            configs = [({"case": "nd", "size": name, "backend": backend, "solver": solver},
                        np.prod(ND_PROBLEMS[name][1])) for name in names]
            results += run_series(configs, args, workdir, budget, exponent=3 if backend == "python" else 1.5)
        for backend, solver in (("compiled", "lowrank"), ("python", None)):
            results += run_series([({"case": "nd", "size": ND_REAL[0], "backend": backend, "solver": solver}, 1)],
                                  args, workdir, np.inf, exponent=1)
    if "real" in args.sections:
        print("real data (gallery settings)", flush=True)
        for script in REAL_SCRIPTS:
            for backend, solver in ONE_D_SERIES:
                results += run_series([({"case": "real", "size": script, "backend": backend, "solver": solver}, 1)],
                                      args, workdir, np.inf, exponent=1)
    return results


def compare(results):
    """Speed-up and agreement of every compiled run against the fallback run of the same problem."""
    fallback = {(r["case"], r["size"]): r for r in results if r["backend"] == "python"}
    rows = []
    for r in results:
        ref = fallback.get((r["case"], r["size"]))
        row = {k: v for k, v in r.items() if k != "g"}
        if r["backend"] == "compiled" and ref is not None:
            row["speedup"] = ref["wall_s"] / r["wall_s"]
            row["rel_diff_g"] = agreement(r["g"], ref["g"])
        rows.append(row)
    return rows


# --------------------------------------------------------------------- outputs
def _seconds(value):
    return f"{value:.4f}" if value < 0.1 else f"{value:.2f}"


def markdown_table(rows):
    lines = [
        "| case | size | backend | solver | unknowns | wall (s) | CPU (s) | peak RSS (MB) | speed-up | ‖g−g_py‖/‖g_py‖ | measured |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        size = f"8 x {r['size']}" if r["case"] == "pseudo2d" else str(r["size"])
        speedup = f"{r['speedup']:.1f}x" if "speedup" in r else ""
        diff = f"{r['rel_diff_g']:.1e}" if "rel_diff_g" in r else ""
        lines.append(
            f"| {r['case']} | {size} | {r['backend']} | {r['solver'] or 'auto'} | {r['unknowns']} | "
            f"{_seconds(r['wall_s'])} | {_seconds(r['cpu_s'])} | {r['peak_rss_mb']:.0f} | {speedup} | {diff} | "
            f"{r.get('measured', '')} |"
        )
    return "\n".join(lines)


def cpu_model():
    """The CPU's name as Linux gives it (the CI machine's model changes between runs)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
    except OSError:
        names = []
    return names[0] if names else platform.processor() or platform.machine()


def machine_line():
    return (f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    for backend, solver in PSEUDO2D_SERIES:
        series = [r for r in rows if r["case"] == "pseudo2d" and r["backend"] == backend and r["solver"] == solver]
        if not series:
            continue
        label = "python fallback (SuperLU)" if backend == "python" else f"compiled, {solver}"
        n = [r["size"] for r in series]
        ax_time.loglog(n, [r["wall_s"] for r in series], marker="o", label=label)
        ax_mem.loglog(n, [r["peak_rss_mb"] / 1024 for r in series], marker="o", label=label)
    ax_time.axhline(180, color="0.6", ls=":", lw=1)
    ax_mem.axhline(4, color="0.6", ls=":", lw=1)
    for ax, ylabel in ((ax_time, "wall time, 100 iterations (s)"), (ax_mem, "peak RSS (GB)")):
        ax.set_xlabel("spectral points N (data 8 x N, 35 tau)")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
    ax_time.legend(frameon=False)
    fig.suptitle("fastilt pseudo-2D inversion: compiled core vs python fallback")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: N <= 1024, one repeat, no real data")
    parser.add_argument("--max-n", type=int, default=PSEUDO2D_SIZES[-1], help="largest N of the pseudo-2D series")
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration (median)")
    parser.add_argument("--repeat-below", type=float, default=20.0, help="repeat only runs faster than this (s)")
    parser.add_argument("--fallback-budget", type=float, default=180.0, help="longest python fallback run (s)")
    parser.add_argument("--compiled-budget", type=float, default=300.0, help="longest compiled run (s)")
    parser.add_argument("--sizes", default=",".join(map(str, PSEUDO2D_SIZES)),
                        help="comma-separated N of the pseudo-2D series")
    parser.add_argument("--series", default="band,cholmod,python",
                        help="comma-separated pseudo-2D series: band, cholmod, python (the fallback)")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {','.join(SECTIONS)}; rows of other sections "
                             "are kept from the saved results")
    parser.add_argument("--outdir", type=Path, default=RESULTS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--g-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(json.loads(args.one), args.g_out)))
        return
    args.sections = [name for name in args.sections.split(",") if name]
    args.sizes = sorted(int(n) for n in args.sizes.split(",") if n)
    args.series = [name for name in args.series.split(",") if name]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    if args.quick:
        args.max_n, args.repeats = 1024, 1
        args.sections = [name for name in args.sections if name != "real"]

    import fastilt

    print(f"fastilt {fastilt.__version__}; {machine_line()}", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        rows = compare(run_all(args, workdir))
    args.outdir.mkdir(parents=True, exist_ok=True)
    saved = args.outdir / "bench_core.json"
    if saved.exists():  # keep the rows not measured now
        def key(r):
            return r["case"], str(r["size"]), r["backend"], r["solver"]

        measured = {key(r) for r in rows}
        kept = [r for r in json.loads(saved.read_text())["rows"] if key(r) not in measured]
        order = {series: i for i, series in enumerate(PSEUDO2D_SERIES)}
        rows = sorted(kept + rows, key=lambda r: (CASES.index(r["case"]), order.get((r["backend"], r["solver"]), 0),
                                                  r["size"] if r["case"] == "pseudo2d" else 0))
    table = markdown_table(rows)
    command = " ".join(["python", *sys.argv])
    header = (f"fastilt {fastilt.__version__}, {machine_line()}; medians of up to {args.repeats} runs; "
              f"latest command `{command}` (each row says when it was measured).")
    (args.outdir / "bench_core.md").write_text(f"{header}\n\n{table}\n")
    (args.outdir / "bench_core.json").write_text(json.dumps({"machine": header, "rows": rows}, indent=1))
    outputs = "md,json"
    if any(r["case"] == "pseudo2d" for r in rows):  # the figure is of the pseudo-2D series
        plot(rows, args.outdir / "bench_core.png")
        outputs += ",png"
    print()
    print(header)
    print(table)
    print(f"\nwritten to {args.outdir}/bench_core.{{{outputs}}}")


if __name__ == "__main__":
    main()
