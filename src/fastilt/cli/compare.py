"""``fastilt compare SCRIPT [ARGS...]``: the script under ILTpy and under fastilt, inversion by inversion."""

import argparse

from ..compat.comparison import TOLERANCE, IltpyMissingError, compare_script

#: exit status when ILTpy is not installed (1 is kept for "they differ")
NO_ILTPY = 2


def add_parser(commands):
    sub = commands.add_parser(
        "compare",
        help="run an ILTpy script under the installed ILTpy and under fastilt and compare every inversion",
        description="Runs SCRIPT under ILTpy and under fastilt, each in its own process and working folder, "
        "and prints one row per inversion (and per iltstats). Exit status 0 when every g, fit and residuals "
        f"(and statistics) agree within {TOLERANCE:g} (relative 2-norm) with equal iteration counts, 1 otherwise, "
        f"{NO_ILTPY} when ILTpy is not installed.",
    )
    sub.add_argument("--iltpy-python", metavar="PYTHON",
                     help="the interpreter that has ILTpy installed (default: this one)")
    sub.add_argument("--keep", metavar="FOLDER",
                     help="keep both working folders, records and logs under FOLDER")
    sub.add_argument("script", help="the ILTpy script")
    sub.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    sub.set_defaults(run=run)


def _seconds(value):
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _row(number, pair):
    iterations = "" if pair.iterations is None else f"{pair.iterations[0]}/{pair.iterations[1]}"
    shape = "x".join(str(n) for n in pair.data_shape)
    errors = pair.errors
    columns = [errors.get(name) for name in ("g", "fit", "residuals")]
    statistics = max((v for k, v in errors.items() if k.startswith("statistics.")), default=None)
    cells = ["" if value is None else f"{value:.1e}" for value in (*columns, statistics)]
    return (f"{number:>3} {pair.kind:<9} {shape:>11} {pair.unknowns or '':>8} {iterations:>9} "
            f"{cells[0]:>9} {cells[1]:>9} {cells[2]:>9} {cells[3]:>10} "
            f"{_seconds(pair.seconds[0]):>9} {_seconds(pair.seconds[1]):>9} {pair.speedup:>8.1f}x  "
            f"{'ok' if pair.passed else 'DIFFERENT'}")


def run(args):
    try:
        result = compare_script(args.script, args.args, iltpy_python=args.iltpy_python, keep=args.keep)
    except IltpyMissingError as error:
        print(f"fastilt compare: {error}")
        return NO_ILTPY
    print(f"{args.script}: ILTpy {result.iltpy_version} against fastilt; pass: g, fit, residuals and statistics "
          f"within {TOLERANCE:g} (relative 2-norm), the same iterations")
    print(f"{'#':>3} {'call':<9} {'data':>11} {'unknowns':>8} {'iter.':>9} {'g':>9} {'fit':>9} {'residuals':>9} "
          f"{'statistics':>10} {'ILTpy s':>9} {'fastilt s':>9} {'speed-up':>9}")
    for number, pair in enumerate(result.pairs, 1):
        print(_row(number, pair))
    for side, status, output in zip(("ILTpy", "fastilt"), result.exit_status, result.outputs):
        if status != 0:
            print(f"the script failed under {side} (exit status {status}); its last output:")
            print("\n".join("    " + line for line in output.rstrip().splitlines()[-15:]))
    if result.counts[0] != result.counts[1]:
        print(f"the script made {result.counts[0]} recorded calls under ILTpy and {result.counts[1]} under fastilt")
    elif result.counts[0] == 0:
        print("the script made no inversion: nothing to compare")
    total = result.seconds
    print(f"whole script: ILTpy {_seconds(total[0])} s, fastilt {_seconds(total[1])} s "
          f"({total[0] / total[1]:.1f}x)" if total[1] > 0 else "")
    if result.folders:
        print(f"working folders kept: {result.folders[0]} and {result.folders[1]}")
    agreed = sum(pair.passed for pair in result.pairs)
    print(f"{agreed} passed, {len(result.pairs) - agreed} failed")
    return 0 if result.passed else 1
