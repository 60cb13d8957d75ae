"""The compiled core on scipy-openblas32 against the system OpenBLAS, side by side.

Builds fastilt twice from this tree, identical but for ``-Dblas``
(``system``: Debian's libopenblas; ``scipy-openblas``: the OpenBLAS wheel that
``pip install .`` uses where the system has no LAPACK), both without CHOLMOD
so that no other library pulls in a BLAS, each with ``pip install --target``
under ``build/bench-blas/``.  Every measurement runs in a fresh subprocess of
a plain venv there (numpy, scipy: no editable fastilt to shadow the installs)
with one install on ``PYTHONPATH``; the installs alternate run by run.  Problems
(100 iterations, ``conv_limit = 0``; set up and timed by ``bench_core``):

* 1D: 1024 points, 100 tau (dense Cholesky of 100 unknowns);
* pseudo-2D: 8 x 1024 CPMG-like spectra, 35 tau, ``solver="band"`` (band Cholesky);
* 2D: T1-T2 data 64 x 32, tau 32 x 32, ``solver="dense"`` (dense Cholesky of 1024 unknowns).

Run: ``nice .venv/bin/python benchmarks/bench_blas.py`` (a few minutes on 2 cores;
the running Python needs meson-python, ninja, pybind11 and scipy-openblas32, as
the builds do not use build isolation).  Writes ``benchmarks/results/bench_blas.md``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import bench_core

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / "build" / "bench-blas"
MODES = ("system", "scipy-openblas")
DENSE_2D = "T1-T2 64x32, tau 32x32"
#: label -> bench_core configuration
PROBLEMS = {
    "1D 1024, 100 tau (dense)": {"case": "1d", "size": 1024, "backend": "compiled", "solver": None},
    "pseudo-2D 8x1024, 35 tau (band)": {"case": "pseudo2d", "size": 1024, "backend": "compiled",
                                        "solver": "band"},
    f"2D {DENSE_2D} (dense)": {"case": "nd", "size": DENSE_2D, "backend": "compiled", "solver": "dense"},
}


def _add_dense_2d():
    bench_core.ND_PROBLEMS[DENSE_2D] = ((64, 32), (32, 32), {})


def install(mode):
    """fastilt built with -Dblas=mode into WORK/site-mode (incremental build dir)."""
    site = WORK / f"site-{mode}"
    subprocess.run(["rm", "-rf", str(site)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps", "--target", str(site),
         f"-Cbuild-dir={WORK / f'build-{mode}'}", f"-Csetup-args=-Dblas={mode}", "-Csetup-args=-Dcholmod=disabled",
         str(ROOT)],
        check=True,
    )
    return site


def runner():
    """Python of a plain venv with fastilt's run-time dependencies only."""
    venv = WORK / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "numpy", "scipy", "tqdm", "joblib"], check=True)
    return python


def child(config, g_out, site):
    """In the subprocess: check which fastilt runs, then measure."""
    import fastilt

    if not Path(fastilt.__file__).is_relative_to(site):
        raise RuntimeError(f"fastilt imported from {fastilt.__file__}, not {site}")
    _add_dense_2d()
    result = bench_core.measure(config, g_out)
    result["lapack"] = fastilt.show_config("dicts")["lapack"]["name"]
    return result


def run_one(python, config, site, g_out):
    command = [str(python), __file__, "--one", json.dumps(config), "--g-out", str(g_out), "--site", str(site)]
    env = dict(os.environ, PYTHONPATH=str(site))
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{config} on {site} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="subprocess runs per problem and install")
    parser.add_argument("--outdir", type=Path, default=bench_core.RESULTS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--g-out", help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(child(json.loads(args.one), args.g_out, args.site)))
        return

    sites = {mode: install(mode) for mode in MODES}
    python = runner()
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for label, config in PROBLEMS.items():
            runs = {mode: [] for mode in MODES}
            g = {}
            for _ in range(args.repeats):
                for mode in MODES:  # alternate, so that drift in the machine's load hits both
                    g_out = Path(workdir) / f"g_{mode}.npy"
                    runs[mode].append(run_one(python, config, sites[mode], g_out))
                    g[mode] = np.load(g_out)
            wall = {mode: float(np.median([r["wall_s"] for r in runs[mode]])) for mode in MODES}
            cpu = {mode: float(np.median([r["cpu_s"] for r in runs[mode]])) for mode in MODES}
            rows.append({"problem": label, "wall": wall, "cpu": cpu,
                         "lapack": {mode: runs[mode][0]["lapack"] for mode in MODES},
                         "agreement": bench_core.agreement(g["scipy-openblas"], g["system"])})
            print(label, wall, flush=True)

    lapack = rows[0]["lapack"]
    lines = [
        f"fastilt compiled core, {bench_core.machine_line()}; medians of {args.repeats} runs, installs alternating.",
        f"system: {lapack['system']}; scipy-openblas: {lapack['scipy-openblas']}.",
        "",
        "| problem | system OpenBLAS wall (s) | scipy-openblas32 wall (s) | ratio | CPU system (s) | "
        "CPU scipy-openblas32 (s) | ‖g−g_sys‖/‖g_sys‖ |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        wall, cpu = row["wall"], row["cpu"]
        lines.append(
            f"| {row['problem']} | {wall['system']:.3f} | {wall['scipy-openblas']:.3f} | "
            f"{wall['scipy-openblas'] / wall['system']:.2f} | {cpu['system']:.3f} | {cpu['scipy-openblas']:.3f} | "
            f"{row['agreement']:.1e} |"
        )
    table = "\n".join(lines)
    args.outdir.mkdir(parents=True, exist_ok=True)
    (args.outdir / "bench_blas.md").write_text(table + "\n")
    print("\n" + table)


if __name__ == "__main__":
    main()
