"""``fastilt run SCRIPT [ARGS...]``: an unmodified ILTpy script, with ``import iltpy`` answered by fastilt."""

import argparse
from pathlib import Path

from ..compat import iltpy_alias
from ..compat.recorder import run_script


def add_parser(commands):
    sub = commands.add_parser(
        "run",
        help="run an ILTpy script unchanged on fastilt (import iltpy resolves to fastilt)",
        description="Runs SCRIPT as `python SCRIPT ARGS` would, with `import iltpy` and every iltpy.* "
        "submodule resolved to fastilt, even where ILTpy is installed. The exit status is the script's.",
    )
    sub.add_argument("script", help="the ILTpy script")
    sub.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    sub.set_defaults(run=run)


def run(args):
    if not Path(args.script).is_file():
        raise FileNotFoundError(f"{args.script}: no such script")
    iltpy_alias.install()
    return run_script(args.script, args.args)
