"""``fastilt verify``: the ILTpy reference cases shipped with fastilt, through the installed build."""

from ..backends import compiled_available
from ..verification import CASES, TOLERANCE, fallback_is_cheap, verify


def add_parser(commands):
    sub = commands.add_parser("verify", help="reproduce ILTpy's reference results with this installation")
    sub.add_argument("--backend", choices=("compiled", "python"), action="append",
                     help="backend to check (repeatable; default: both)")
    sub.add_argument("--case", action="append", choices=sorted(CASES), metavar="NAME",
                     help="reference case to run (repeatable; default: all)")
    sub.add_argument("--full", action="store_true",
                     help="the python backend on every case too (default: where it takes about a second or less)")
    sub.set_defaults(run=run)


def _row(result):
    status = "ok" if result.passed else "FAIL"
    return (f"{result.name:<36} {result.backend:<9} {result.error:10.1e} "
            f"{result.iterations:>5}/{result.reference_iterations:<5} {result.seconds:8.3f}  {status}")


def run(args):
    backends = args.backend or ["compiled", "python"]
    if "compiled" in backends and not compiled_available():
        print("compiled backend: not built in this installation: FAIL")
        return 1
    print(f"ILTpy 1.0.0 reference cases; pass: g, fit, residuals within {TOLERANCE:g} "
          "(relative) and the same number of iterations")
    print(f"{'case':<36} {'backend':<9} {'rel. error':>10} {'iterations':>11} {'seconds':>8}")
    results = verify(backends, args.case, on_result=lambda result: print(_row(result), flush=True), full=args.full)
    left_out = [name for name in args.case or sorted(CASES) if not fallback_is_cheap(name)]
    if "python" in backends and left_out and not args.full:
        print(f"python backend left out of {len(left_out)} slow cases ({', '.join(left_out)}): --full runs them")
    failed = [r for r in results if not r.passed]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0
