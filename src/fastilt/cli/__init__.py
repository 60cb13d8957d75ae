"""The ``fastilt`` command line: ``invert`` an instrument file, ``verify`` an installation, ``info``.

Errors in the input (an unreadable file, a bad option value) end the command
with exit status 1 and a one-line message naming the culprit; usage errors
with status 2 (argparse).
"""

import argparse
import sys

from .._version import __version__
from . import info, invert, verify

__all__ = ["main"]

COMMANDS = (invert, verify, info)


def parser():
    top = argparse.ArgumentParser(prog="fastilt", description="Regularised inverse Laplace transforms (ILTpy-compatible).")
    top.add_argument("--version", action="version", version=f"fastilt {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError, TypeError, KeyError, ImportError) as error:
        print(f"fastilt {args.command}: error: {error}", file=sys.stderr)
        return 1
