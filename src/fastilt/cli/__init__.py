"""The ``fastilt`` command line: ``run`` or ``compare`` an ILTpy script, ``invert`` an instrument file, ``verify`` an installation, ``info``.

Errors in the input (an unreadable file, a bad option value) end the command
with exit status 1 and a one-line message naming the culprit; usage errors
with status 2 (argparse).
"""

import argparse
import sys

from .._version import __version__
from . import compare, info, invert, run, verify

__all__ = ["main"]

COMMANDS = (run, compare, invert, verify, info)


def parser():
    top = argparse.ArgumentParser(prog="fastilt", description="Regularised inverse Laplace transforms (ILTpy-compatible).")
    top.add_argument("--version", action="version", version=f"fastilt {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return top


def main(argv=None):
    """Run the command line ``fastilt COMMAND ...`` (also ``python -m fastilt``).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``fastilt`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 for bad input (a one-line message
        naming the culprit on stderr) or a failed verification.  Usage errors
        exit with status 2 (``SystemExit``, from argparse).

    Examples
    --------
    ``fastilt verify`` for one reference case and the NumPy backend:

    >>> from fastilt.cli import main
    >>> main(["verify", "--backend", "python", "--case", "1d_exponential_default"])
    ILTpy 1.0.0 reference cases; pass: g, fit, residuals within 1e-06 (relative) and the same number of iterations
    case                                 backend   rel. error  iterations  seconds
    1d_exponential_default               python       ...   100/100   ...  ok
    1 passed, 0 failed
    0

    ``fastilt invert`` of a Bruker minispec export (index, time in ms,
    amplitude), written here to a temporary folder: the report, the ``.param``
    and ``.npz`` files and a figure go to ``--out``.

    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> t_ms = 0.2 * np.arange(1, 501)
    >>> amplitude = 80 * np.exp(-t_ms / 10) + 40 * np.exp(-t_ms / 50)
    >>> amplitude += np.random.default_rng(0).normal(size=t_ms.size)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "decay.dps"
    ...     np.savetxt(path, np.column_stack([np.arange(500), t_ms, amplitude]), delimiter="\\t")
    ...     status = main(["invert", str(path), "--out", str(Path(folder) / "out")])
    ...     written = sorted(p.name for p in (Path(folder) / "out").iterdir())
    /.../decay.dps: minispec, CPMG (T2), data (500,); kernels ['Exponential']; noise sd ... (data divided by it)
    ...
    >>> status, written
    (0, ['decay.npz', 'decay.param', 'decay.png', 'decay.txt'])

    Bad input ends with status 1 and a message naming the file:

    >>> main(["invert", "no_such_file.txt"])
    1
    """
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError, TypeError, KeyError, ImportError) as error:
        print(f"fastilt {args.command}: error: {error}", file=sys.stderr)
        return 1
    except MemoryError as error:  # the memory guard's estimate, or a bare one from an allocation
        print(f"fastilt {args.command}: error: {str(error) or 'out of memory'}", file=sys.stderr)
        return 1
