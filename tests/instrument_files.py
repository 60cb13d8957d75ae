"""Instrument files written from scratch in their real formats, to build the data that trips a reader.

Each writer puts a small, valid file (or folder) under a test's ``tmp_path``;
the tests then spoil one thing (a header value, a row, a list entry) or fill
the file with the signal of a chosen experiment.
"""

import numpy as np


def geospec(path, x_ms, z, test_type=3, rows=None):
    """A GeoSpec ``[GITData]`` export: ``X Y Real Imaginary`` rows (``rows``: the [Data] lines as given)."""
    lines = rows if rows is not None else [f"{x}\t0.0\t{v.real}\t{v.imag}" for x, v in zip(x_ms, z)]
    path.write_text("\n".join([
        "[GITData]", "; a synthetic export", f"TestType={test_type}",
        "[Parameters]", "Tau=0.1",
        "[Results]", f"Dimensions={len(lines)},1",
        "[Data]", "X\tY\tReal\tImaginary", *lines,
    ]) + "\n")
    return path


def spinsolve(folder, experiment="T1IRT2", n_steps=4, n_echoes=8, **parameters):
    """A Spinsolve ``acqu.par`` (``key = value``) and its ``<experiment>.dat`` (re, im per echo per line)."""
    folder.mkdir(exist_ok=True)
    values = {"experiment": f'"{experiment}"', "minTau": 1, "maxTau": 1000, "tauSteps": n_steps, "logspace": '"yes"',
              "echoTime": 200, "nrEchoes": n_echoes, **parameters}
    (folder / "acqu.par").write_text("".join(f"{key} = {value}\n" for key, value in values.items()))
    signal = np.ones((n_steps, 2 * n_echoes))
    np.savetxt(folder / f"{experiment}.dat", signal, delimiter=",")
    return folder


def bes3t(stem, data, x=("ns", 100.0, 10.0), y=None, experiment="PLS", **fields):
    """A BES3T pair ``stem.DSC`` + ``stem.DTA``: ``data`` (complex or real, shape (XPTS[, YPTS])) big-endian doubles.

    ``x``/``y``: (unit, first value, step); ``fields`` overrides descriptor lines (e.g. ``XPTS="5l2"``).
    """
    data = np.asarray(data)
    complex_data = np.iscomplexobj(data)
    layout = {"DSRC": "EXP", "BSEQ": "BIG", "IKKF": "CPLX" if complex_data else "REAL", "XTYP": "IDX",
              "YTYP": "IDX" if y else "NODATA", "ZTYP": "NODATA", "IRFMT": "D", "IIFMT": "D",
              "XPTS": data.shape[0], "XMIN": x[1], "XWID": x[2] * (data.shape[0] - 1), "XUNI": f"'{x[0]}'",
              "XNAM": "'Time'" if x[0] in ("ns", "us") else "'Field'"}
    if y:
        layout |= {"YPTS": data.shape[1], "YMIN": y[1], "YWID": y[2] * (data.shape[1] - 1), "YUNI": f"'{y[0]}'",
                   "YNAM": "'Scan'"}
    layout |= {"TITL": "'synthetic'", **fields}
    standard = {"EXPT": experiment, "MWFQ": "9.7e9"}
    stem.with_suffix(".DSC").write_text(
        "#DESC\t1.2 * DESCRIPTOR INFORMATION\n" + "".join(f"{key}\t{value}\n" for key, value in layout.items())
        + "#SPL\t1.2 * STANDARD PARAMETER LAYER\n" + "".join(f"{k}\t{v}\n" for k, v in standard.items())
        + "#DSL\t1.0 * DEVICE SPECIFIC LAYER\n"
    )
    flat = np.ravel(data, order="F")
    values = np.column_stack([flat.real, flat.imag]).ravel() if complex_data else flat
    values.astype(">f8").tofile(stem.with_suffix(".DTA"))
    return stem.with_suffix(".DSC")


def topspin(folder, fids, pulprog="zgvd", lists=None, sw_h=10000.0, delays=None, pulses=None, loops=None):
    """A TopSpin pseudo-2D folder: ``acqus``/``acqu2s`` (JCAMP), a ``ser`` of complex ``fids`` (rows),
    the ``pulseprogram`` name and list files (``lists``: name -> text).  No digital filter (DSPFVS 20, GRPDLY 0).

    ``delays``, ``pulses``, ``loops``: the D (s), P (µs) and L arrays, as {index: value}.
    """
    import nmrglue

    folder.mkdir()
    rows, td = fids.shape
    d, p, ell = np.zeros(64), np.zeros(64), np.ones(32, dtype=int)
    for array, given in ((d, delays), (p, pulses), (ell, loops)):
        for index, value in (given or {}).items():
            array[index] = value
    acqus = {"TD": 2 * td, "AQ_mod": 3, "SW_h": sw_h, "SFO1": 400.13, "NS": 8, "DECIM": 1, "DSPFVS": 20,
             "GRPDLY": 0, "BYTORDA": 0, "DTYPA": 2, "PULPROG": pulprog,
             "D": [float(v) for v in d], "P": [float(v) for v in p], "L": [int(v) for v in ell]}
    jcamp = {"_coreheader": ["##TITLE= Parameter file, TOPSPIN\t\tVersion 3.6", "##JCAMPDX= 5.0"], "_comments": []}
    dic = {"acqus": jcamp | acqus, "acqu2s": jcamp | {"TD": rows, "PULPROG": pulprog}}
    nmrglue.bruker.write(str(folder), dic, fids.astype(complex), write_prog=False, overwrite=True)
    for name, text in (lists or {}).items():
        (folder / name).write_text(text)
    return folder
