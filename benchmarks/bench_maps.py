"""2D maps against live ILTpy (whole processes), and speed beside a busy process.

* ILTpy: the T1-T2 map of ``bench_core.py`` (data 256 x 64, tau 64 x 64) in
  a fresh process each: fastilt and live ILTpy (``--iltpy``, a Python with ILTpy
  installed) on the same data; wall time of the whole process (imports, set-up,
  inversion) and ‖g−g_iltpy‖/‖g_iltpy‖.  fastilt's modules are byte-compiled
  first, as an install leaves them (pip did so for ILTpy): a development
  checkout otherwise compiles its 70 modules in every process, where
  ``PYTHONDONTWRITEBYTECODE`` is set (80 ms, an eighth of the whole process).
* Busy: inversions timed in one process (median of ``--repeats``, after one
  untimed) on an idle machine, beside one CPU-bound process, and beside it with
  ``OMP_NUM_THREADS=1`` (what one thread does), in ``--rounds`` alternating
  rounds: pseudo-2D 8 x 1024 (band) and the T1-T2 map above (low-rank).
* iltstats: ``iltstats(n=10)`` of an inverted data set against ten separate
  ``iltload``/``init``/``invert`` of the same ten samples, in one process, on
  the map above and on pseudo-2D 8 x 1024; the largest ‖g−g_alone‖/‖g_alone‖.
* OpenBLAS kernels: both inversions above, idle, with the kernels fastilt
  loads the system OpenBLAS with against ``OPENBLAS_CORETYPE=Prescott`` (what
  Debian's OpenBLAS 0.3.21 falls back to on a CPU it does not know),
  alternating, median of the runs of each.

``.venv/bin/python benchmarks/bench_maps.py --iltpy .venv-iltpy-1.1.0/bin/python``
writes ``results/bench_maps.md``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_core import ND_PROBLEMS, cpu_model  # noqa: E402  (a sibling script, not a package)

MAP = "T1-T2 256x64, tau 64x64"
BUSY_CASES = [("pseudo2d 8 x 1024 (band)", "pseudo2d", 1024), ("T1-T2 tau 64 x 64 (low-rank)", "nd", MAP)]

# A whole inversion in a fresh process, for either library: data from an npz file.
WHOLE = """
import sys, time, numpy as np
start = time.perf_counter()
import {module} as ilt
d = np.load(sys.argv[1])
data = ilt.iltload(data=d["data"], t=[d["t0"], d["t1"]])
data.init([d["tau0"], d["tau1"]], [ilt.Exponential(), ilt.Exponential()], parameters={{"conv_limit": 0}})
data.invert(verbose=0)
np.save(sys.argv[2], np.asarray(data.g))
print(time.perf_counter() - start)
"""


def map_inputs(path):
    shape, n_tau, _ = ND_PROBLEMS[MAP]
    rng = np.random.default_rng(0)  # as bench_core.nd_problem
    t = [np.logspace(-3.5 + d * 0.5, 0.5 + d * 0.5, n) for d, n in enumerate(shape)]
    tau = [np.logspace(-3.5 + d * 0.5, 0.5 + d * 0.5, n) for d, n in enumerate(n_tau)]
    components = [(300, [2e-3, 2e-2, 0.3]), (200, [5e-2, 4e-3, 1.0])]
    data = sum(
        a * np.prod(np.meshgrid(*[np.exp(-t[d] / c[d]) for d in range(2)], indexing="ij"), axis=0)
        for a, c in components
    )
    np.savez(path, data=data + rng.normal(size=shape), t0=t[0], t1=t[1], tau0=tau[0], tau1=tau[1])


def whole_process(python, module, inputs, g_path):
    script = WHOLE.format(module=module)
    start = time.perf_counter()
    done = subprocess.run([python, "-c", script, inputs, g_path], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, float(done.stdout.strip().splitlines()[-1])


def compile_fastilt(python):
    """Byte-compile the fastilt package `python` imports (what pip does on install)."""
    code = "import compileall, os, fastilt; compileall.compile_dir(os.path.dirname(fastilt.__file__), quiet=1)"
    subprocess.run([python, "-c", code], check=True, capture_output=True)


def versus_iltpy(iltpy_python, repeats):
    compile_fastilt(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = f"{tmp}/map.npz"
        map_inputs(inputs)
        fast = [whole_process(sys.executable, "fastilt", inputs, f"{tmp}/g_fast.npy") for _ in range(repeats)]
        slow = whole_process(iltpy_python, "iltpy", inputs, f"{tmp}/g_iltpy.npy")
        g_fast, g_slow = np.load(f"{tmp}/g_fast.npy"), np.load(f"{tmp}/g_iltpy.npy")
    wall = statistics.median(w for w, _ in fast)
    return {
        "fastilt_s": wall,
        "iltpy_s": slow[0],
        "speedup": slow[0] / wall,
        "difference": float(np.linalg.norm(g_fast - g_slow) / np.linalg.norm(g_slow)),
    }


def timed(case, size, repeats, threads_env):
    code = (
        "import sys, time, json, statistics; sys.path.insert(0, %r); import bench_core as bc\n"
        "[d] = bc.build(%r, %r); d.invert(verbose=0); w = []\n"
        "for _ in range(%d):\n"
        "    s = time.perf_counter(); d.invert(verbose=0); w.append(time.perf_counter() - s)\n"
        "print(statistics.median(w))" % (str(HERE), case, size, repeats)
    )
    env = dict(os.environ, **threads_env)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(done.stdout.strip().splitlines()[-1])


# iltstats(n=10) against ten separate inversions of the same samples, in one process.
STATS = """
import sys, time, warnings, json, numpy as np
sys.path.insert(0, {here!r}); import bench_core as bc
import fastilt as ilt
from fastilt.statistics import draw_noise, iltstats
[d] = bc.build({case!r}, {size!r}); d.invert(verbose=0)
start = time.perf_counter()
stats = iltstats(d, n=10, verbose=0, random_seed=1)
batch = time.perf_counter() - start
start = time.perf_counter()
alone = []
for sample in stats["data_samples"]:
    one = ilt.iltload(data=sample, t=d.t_input)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one.init(d.tau, d.kernel, parameters=d.user_parameters)
    one.invert(verbose=0)
    alone.append(np.asarray(one.g))
separate = time.perf_counter() - start
difference = max(np.linalg.norm(a - b) / np.linalg.norm(a) for a, b in zip(alone, stats["g_list"]))
print(json.dumps({{"batch": batch, "separate": separate, "difference": difference}}))
"""
STATS_CASES = [("T1-T2 tau 64 x 64 (low-rank)", "nd", MAP), ("pseudo2d 8 x 1024 (band)", "pseudo2d", 1024)]


def statistics_rows(rounds):
    """iltstats against separate inversions, a fresh process per round; medians of the rounds."""
    import json

    rows = []
    for label, case, size in STATS_CASES:
        code = STATS.format(here=str(HERE), case=case, size=size)
        runs = []
        for _ in range(rounds):
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        rows.append({"case": label, "batch": statistics.median(r["batch"] for r in runs),
                     "separate": statistics.median(r["separate"] for r in runs),
                     "ratios": [r["separate"] / r["batch"] for r in runs],
                     "difference": max(r["difference"] for r in runs)})
    return rows


def kernels_rows(repeats, rounds):
    """Both inversions with fastilt's choice of OpenBLAS kernels and with Prescott's, alternating."""
    import fastilt

    loaded = fastilt.show_config("dicts").get("lapack", {}).get("OpenBLAS kernels", "-")
    rows = []
    for label, case, size in BUSY_CASES:
        chosen, prescott = [], []
        for _ in range(rounds):
            chosen.append(timed(case, size, repeats, {}))
            prescott.append(timed(case, size, repeats, {"OPENBLAS_CORETYPE": "Prescott"}))
        rows.append({"case": label, "kernels": loaded, "chosen_s": statistics.median(chosen),
                     "prescott_s": statistics.median(prescott)})
    return rows


def busy(repeats, rounds):
    """Idle, beside a busy process, and beside it on one thread, in alternating rounds (medians).

    The machine's speed drifts from minute to minute; rounds that alternate the
    three states keep that drift out of the ratios.
    """
    rows = []
    for label, case, size in BUSY_CASES:
        idle, loaded, one = [], [], []
        for _ in range(rounds):
            idle.append(timed(case, size, repeats, {}))
            hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            try:
                time.sleep(1)
                loaded.append(timed(case, size, repeats, {}))
                one.append(timed(case, size, repeats, {"OMP_NUM_THREADS": "1"}))
            finally:
                hog.kill()
                hog.wait()
        rows.append({"case": label, "idle_s": statistics.median(idle), "busy_s": statistics.median(loaded),
                     "busy_one_thread_s": statistics.median(one),
                     "ratios": [b / i for b, i in zip(loaded, idle)]})
    return rows


def each(ratios):
    return ", ".join(f"{x:.2f}" for x in ratios)


def table(caption, header, rows):
    """Markdown lines of a table (the first column left-aligned, the others right), after its caption."""
    lines = [caption, ""] if caption else []
    lines += ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iltpy", help="a Python with ILTpy installed (the ILTpy row is skipped without)")
    parser.add_argument("--repeats", type=int, default=3, help="inversions timed per process (median)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of idle/busy/kernels runs")
    parser.add_argument("--outdir", default=str(HERE / "results"))
    args = parser.parse_args()
    load = os.getloadavg()[0]
    stamp = time.strftime("%Y-%m-%d %H:%M")
    lines = [
        "# 2D maps: whole processes against live ILTpy, and beside a busy process",
        "",
        f"`{' '.join([Path(sys.executable).name, *sys.argv])}`, {stamp}, load {load:.1f} at the start, "
        f"{os.cpu_count()} cores, {cpu_model()}.",
        "",
    ]
    if args.iltpy:
        r = versus_iltpy(args.iltpy, 3)
        lines += table(
            None,
            ["problem", "fastilt, whole process (median of 3, byte-compiled)", "ILTpy, whole process", "speed-up",
             "‖g−g_iltpy‖/‖g_iltpy‖"],
            [[MAP, f"{r['fastilt_s']:.2f} s", f"{r['iltpy_s']:.1f} s", f"{r['speedup']:.0f}x", f"{r['difference']:.1e}"]],
        )
    lines += table(
        f"Inversions in one process, median of {args.repeats}; busy: one `while True: pass` process beside it; "
        f"{args.rounds} rounds alternating idle, busy and busy on one thread, medians of the rounds (ratio: of the "
        "medians; in brackets each round's own).",
        ["problem", "idle", "beside a busy process", "ratio", "beside it, OMP_NUM_THREADS=1"],
        [[r["case"], f"{r['idle_s']:.2f} s", f"{r['busy_s']:.2f} s",
          f"{r['busy_s'] / r['idle_s']:.2f}x ({each(r['ratios'])})", f"{r['busy_one_thread_s']:.2f} s"]
         for r in busy(args.repeats, args.rounds)],
    )
    lines += table(
        "`iltstats(n=10)` (the compiled batch, both cores) against ten separate `iltload`/`init`/`invert` of the "
        f"same samples, both in one process; {args.rounds} processes, medians (speed-up: of the medians; in "
        "brackets each process's own).",
        ["problem", "ten separate inversions", "iltstats(n=10)", "speed-up", "largest ‖g−g_alone‖/‖g_alone‖"],
        [[r["case"], f"{r['separate']:.2f} s", f"{r['batch']:.2f} s",
          f"{r['separate'] / r['batch']:.2f}x ({each(r['ratios'])})", f"{r['difference']:.1e}"]
         for r in statistics_rows(args.rounds)],
    )
    lines += table(
        f"The system OpenBLAS's kernels (inversions in one process, median of {args.repeats}; runs alternating, "
        f"median of {args.rounds} runs each).",
        ["problem", "kernels fastilt loads (show_config)", "OPENBLAS_CORETYPE=Prescott", "speed-up"],
        [[k["case"], f"{k['chosen_s']:.2f} s ({k['kernels']})", f"{k['prescott_s']:.2f} s",
          f"{k['prescott_s'] / k['chosen_s']:.2f}x"]
         for k in kernels_rows(args.repeats, args.rounds)],
    )
    text = "\n".join(lines).rstrip() + "\n"
    Path(args.outdir, "bench_maps.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
