"""An ILTpy 1.0 script: a user kernel by subclassing, a relative data file, argv, iltstats, a report."""

import sys

import numpy as np

import iltpy as ilt
from iltpy.fit.kernels import IltKernel
from iltpy.input.loader import iltload


class Stretched(IltKernel):
    def __init__(self):
        self.name = "stretched"
        self.kernel = lambda t, tau: np.exp(-t / tau) ** 0.8
        self.kernel_str = "lambda t, tau: np.exp(-t / tau) ** 0.8"


n_tau = int(sys.argv[1])
t, s = np.loadtxt("decay.txt", unpack=True)
data = iltload(data=s, t=t)
data.init(np.logspace(-3, 1, n_tau), ilt.Exponential(), parameters={"nn": True, "maxloop": 40})
data.invert(verbose=0)
data.iltstats(n=3, n_jobs=1, verbose=0, random_seed=5)
data.report("decay_report.txt", parameters_to_file=True)

other = iltload(data=s, t=t)
other.init(np.logspace(-3, 1, n_tau), Stretched(), parameters={"base_tau": 1, "maxloop": 30})
other.invert(verbose=0)
print(f"{__name__} n_tau={n_tau} g_sum={data.g.sum():.4f} stretched_sum={other.g.sum():.4f}")
sys.exit(0 if data.inverted else 3)
