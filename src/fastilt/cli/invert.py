"""``fastilt invert PATH``: read, scale to unit noise, invert, write the report and a figure.

The kernel of each dimension comes from the file's experiment type
(``metadata["kernels"]``) unless ``--kernel`` is given; the tau grid of an
inverted dimension is log-spaced over whole decades around the sampled range
(``1/b`` for diffusion) unless ``--tau`` is given.  The data are divided by
their noise sd (from successive differences of the imaginary part left after
phasing, or of the real data), the scale ILTpy's regularisation is calibrated
for: g, fit and residuals are in noise units.
"""

import ast
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from ..errors import NonFiniteError
from ..loading import iltload
from ..quality.noise import measurement_noise
from .experiment_kernels import KERNELS, kernel, negative_g, static_term_grid

COMPRESS_ABOVE = 5000
SINGULAR_VALUES = 30


def add_parser(commands):
    sub = commands.add_parser("invert", help="invert an instrument file or ILTpy text folder")
    sub.add_argument("path", type=Path, help="instrument file or folder, or a folder with data.txt and dim1.txt")
    sub.add_argument("--kernel", nargs="+", choices=KERNELS, help="kernel per dimension (default: from the experiment)")
    sub.add_argument("--tau", nargs=3, metavar=("MIN", "MAX", "N"), help="log-spaced tau grid of every inverted dimension")
    sub.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="fit parameter (repeatable), e.g. alpha_00=5, sb=true, alt_g=6")
    sub.add_argument("--noise-sd", type=float, help="noise sd of the data (default: estimated)")
    sub.add_argument("--drop-empty-traces", action="store_true",
                     help="leave out traces that are all zero (an aborted acquisition); always left out of the noise sd")
    sub.add_argument("--backend", choices=("auto", "compiled", "python"), default="auto")
    sub.add_argument("--out", type=Path, help="output folder (default: ./<name>_fastilt)")
    sub.set_defaults(run=run)


def parse_param(text):
    """``KEY=VALUE`` with VALUE read as JSON or a Python literal (``5``, ``true``, ``[1, 0]``), else a string."""
    key, found, value = text.partition("=")
    if not found or not key.strip():
        raise ValueError(f"--param {text!r}: expected KEY=VALUE")
    for parse in (json.loads, ast.literal_eval):
        try:
            return key.strip(), parse(value)
        except (ValueError, SyntaxError):
            pass
    return key.strip(), value


def _kernel_names(path, data, kernels):
    names = kernels or data.metadata.get("kernels")
    if not names:
        raise ValueError(f"{path}: the file states no experiment type; give --kernel ({', '.join(KERNELS)})")
    names = list(names) * data.data.ndim if len(names) == 1 else list(names)
    if not kernels:
        for axis in data.metadata.get("axes", []):
            if axis["kernel"] is None and axis.get("why"):
                raise ValueError(f"{path}: no relaxation kernel for the {axis['name']} axis ({axis['unit']}): "
                                 f"{axis['why']}")
    if len(names) != data.data.ndim or None in names:
        raise ValueError(f"{path}: give one --kernel per dimension ({data.data.ndim}) from {', '.join(KERNELS)}; "
                         f"suggested: {names}")
    return names


def one_line(message):
    """A warning's or error's text on one line."""
    return " ".join(str(message).split())


def _static_term(names, grids, parameters, notes):
    """``sb`` on pseudo-2D data: ILTpy's static baseline is 1D only, so the first grid is extended instead."""
    if len(names) == 1 or not np.any(parameters.get("sb", False)):
        return grids
    del parameters["sb"]
    extended = static_term_grid(grids[0], names[0])
    if extended is None:
        notes.append(f"sb (static baseline) left out: ILTpy's sb is for 1D data, and the {names[0]} kernel "
                     "has no constant end to carry a static term")
        return grids
    notes.append(f"sb (static baseline): ILTpy's sb is for 1D data; on this {len(names)}D data the tau grid of "
                 f"dimension 1 is extended to {extended[0]:.3g}..{extended[-1]:.3g}, where the {names[0]} kernel "
                 "is constant, so the amplitude at that end carries the static term")
    return [extended, *grids[1:]]


def default_tau(t, kernel, n):
    """Whole decades covering the sampled range: ``t`` for decays, ``1/b`` for diffusion."""
    t = np.abs(np.asarray(t, dtype=float))
    rates = 1 / t[t > 0] if kernel == "Diffusion" else t[t > 0]
    return np.logspace(np.floor(np.log10(rates.min())), np.ceil(np.log10(rates.max())), n)


def _tau(data, names, tau):
    """Grids per dimension: ``tau = (min, max, n)`` log-spaced, or :func:`default_tau`; Identity: ``t``."""
    if tau is not None:
        expected = f"--tau {' '.join(map(str, tau))}: expected MIN MAX N with 0 < MIN < MAX and a whole N >= 2"
        try:
            low, high, n = float(tau[0]), float(tau[1]), int(tau[2])
        except ValueError:
            raise ValueError(expected) from None
        if not 0 < low < high or n < 2:
            raise ValueError(expected)
    n_default = 100 if data.data.ndim == 1 else 40
    grids = []
    for t, name in zip(data.t, names):
        if name == "Identity":
            grids.append(np.asarray(t, dtype=float))
        else:
            grids.append(np.geomspace(low, high, n) if tau is not None else default_tau(t, name, n_default))
    return grids


def compression(shape, names):
    """``compress``/``s`` parameters for the long inverted dimensions (none when all are short)."""
    long = [n > COMPRESS_ABOVE and name != "Identity" for n, name in zip(shape, names)]
    if not any(long):
        return {}
    s = [SINGULAR_VALUES if is_long else n for n, is_long in zip(shape, long)]
    return {"compress": True, "s": s[0]} if len(shape) == 1 else {"compress": long, "s": s}


def noise_estimate(data):
    """The noise of ``data``: the reader's (``metadata["noise"]``), else measured as a reader would."""
    if data.metadata.get("noise") is not None:
        return data.metadata["noise"]
    noise = measurement_noise(data.data, np.ravel(data.t[0]), data.metadata.get("imaginary"),
                              data.metadata.get("empty_traces", ()))
    if noise is None:
        raise ValueError(f"{data.filepath}: too few points to estimate the noise; give --noise-sd")
    return noise


def _drop_empty_traces(raw, notes):
    """``raw`` without the traces (last dimension) the reader found all zero (``--drop-empty-traces``)."""
    empty = raw.metadata.get("empty_traces", [])
    if not empty:
        notes.append("--drop-empty-traces: the file has no empty traces")
        return raw
    keep = np.setdiff1d(np.arange(raw.data.shape[-1]), empty)
    kept = iltload(data=raw.data[..., keep], t=[*raw.t[:-1], np.ravel(raw.t[-1])[keep]])
    kept.filepath = raw.filepath
    kept.metadata = dict(raw.metadata, empty_traces=[])
    if "imaginary" in raw.metadata:
        kept.metadata["imaginary"] = raw.metadata["imaginary"][..., keep]
    notes.append(f"--drop-empty-traces: {len(empty)} empty traces left out of the inversion, {keep.size} inverted")
    return kept


def _plot(data, png, negative_g):
    try:
        import matplotlib
    except ImportError:
        print("figure skipped: matplotlib is not installed (pip install 'fastilt[plot]')")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting import iltplot

    fig, _ = iltplot(data, negative_g=negative_g)
    fig.savefig(png, dpi=130)
    plt.close(fig)
    return png


def prepare(path, kernels=None, tau=None, parameters=(), sd=None, drop_empty_traces=False):
    """The instrument data of ``path`` scaled to unit noise and initialised as ``fastilt invert`` does.

    ``kernels``: names per dimension (default: the file's suggestion); ``tau``:
    ``(min, max, n)``; ``parameters``: ``KEY=VALUE`` texts; ``sd``: the noise sd
    (default :func:`noise_sd`); ``drop_empty_traces``: leave out the traces the
    reader found all zero.  Returns the initialised IltData (its
    ``metadata`` gains ``noise_sd`` and ``invert_notes``: what the command
    decided for the user, and the warnings of ``init`` as one line each).
    """
    notes = []
    raw = iltload(data_path=path)
    if drop_empty_traces:
        raw = _drop_empty_traces(raw, notes)
    names = _kernel_names(path, raw, kernels)
    grids = _tau(raw, names, tau)
    fit_parameters = dict(raw.metadata.get("parameters", {}))
    user = dict(parse_param(text) for text in parameters)
    if "compress" not in user:
        fit_parameters.update(compression(raw.data.shape, names))
    fit_parameters.update(user)
    grids = _static_term(names, grids, fit_parameters, notes)
    if sd is None:
        noise = noise_estimate(raw)
        sd = noise.sigma
        notes.append(f"{noise} (fastilt.estimate_noise)")
    if not sd > 0:
        raise ValueError(f"--noise-sd {sd}: the noise sd must be positive")
    with np.errstate(over="ignore"):
        scaled = raw.data / sd
    if not np.all(np.isfinite(scaled)):
        raise ValueError(f"--noise-sd {sd}: the data of {path} divided by it overflow; give a larger noise sd")
    data = iltload(data=scaled, t=raw.t)
    data.filepath = raw.filepath
    data.metadata = dict(raw.metadata, noise_sd=sd, kernels=names, invert_notes=notes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data.init(grids if len(grids) > 1 else grids[0],
                  [kernel(k) for k in names] if len(names) > 1 else kernel(names[0]),
                  parameters=fit_parameters or None)
    notes.extend(one_line(warning.message) for warning in caught)
    return data


def run(args):
    """The command; an inversion that runs out of memory or meets NaN/infinity ends with one line, status 1."""
    try:
        return _invert_and_report(args)
    except (MemoryError, NonFiniteError) as error:
        reason = one_line(error) or "the memory ran out (no estimate was possible)"
        print(f"fastilt invert: error: {args.path}: {reason}", file=sys.stderr)
        return 1


def _invert_and_report(args):
    data = prepare(args.path, args.kernel, args.tau, args.param, args.noise_sd, args.drop_empty_traces)
    metadata = data.metadata
    print(f"{args.path}: {metadata.get('format', 'text folder')}, {metadata.get('experiment', 'experiment not stated')}, "
          f"data {data.data.shape}; kernels {metadata['kernels']}; "
          f"noise sd {metadata['noise_sd']:.4g} (data divided by it)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data.invert(verbose=1, backend=args.backend)
    for note in [*metadata["invert_notes"], *(one_line(warning.message) for warning in caught)]:
        print(f"note: {note}")
    diagnosis = data.diagnostics()  # the data were divided by their noise sd: noise units
    print("diagnosis:" + ("" if diagnosis.ok else f" {len(diagnosis.warnings)} warning(s), see below"))
    print("\n".join("  " + line for line in str(diagnosis).splitlines()))
    source = Path(data.filepath)
    name = source.stem if source.is_file() else source.name
    out = args.out or Path.cwd() / f"{name}_fastilt"
    out.mkdir(parents=True, exist_ok=True)
    written = data.report(filepath=out / f"{name}.txt", save_arrays=True, parameters_to_file=True)
    g = np.ravel(data.g)[: np.size(data.g) - int(np.any(data.sb))]  # without the 1D static baseline
    flipped = negative_g(metadata["kernels"], g)
    if flipped:
        print(f"note: the figure shows -g: the {metadata['kernels'][0]} kernel fitted a net negative amplitude "
              "(a recovery read as a decay)")
    png = _plot(data, out / f"{name}.png", negative_g=flipped)
    for path in [*written.values(), png]:
        if path is not None:
            print(f"written: {path}")
    return 0
