"""``fastilt info``: the build (:func:`fastilt.show_config`), library versions, BLAS and thread settings."""

import os
import platform

import numpy as np
import scipy

from .._version import __version__
from ..build_config import show_config
from ..io import supported_formats

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def add_parser(commands):
    sub = commands.add_parser("info", help="version, backends built, BLAS and thread settings")
    sub.set_defaults(run=run)


def _blas():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        return [f"numpy's {blas.get('name', '?')} {blas.get('version', '')} (threadpoolctl not installed: threads unknown)"]
    return [f"{pool['internal_api']} {pool.get('version') or ''}, {pool['num_threads']} threads ({pool['filepath']})"
            for pool in threadpool_info()]


def run(args):
    print(f"fastilt {__version__} (python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__})")
    show_config()
    for line in _blas():
        print(f"thread pool: {line}")
    print(f"CPUs: {os.cpu_count()}; " + ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in THREAD_VARIABLES))
    print("instrument formats: " + "; ".join(supported_formats()))
    return 0
