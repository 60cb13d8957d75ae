"""An ILTpy 1.1 script: iltkernel, a small T1-T2 map, a seeded iltstats, the exit status set by the script."""

import sys

import numpy as np

import iltpy as ilt

rng = np.random.default_rng(1)
t1, t2 = np.logspace(-3, 0, 16), np.linspace(1e-3, 0.5, 40)
m = (1 - 2 * np.exp(-t1[:, None] / 0.1)) * np.exp(-t2[None, :] / 0.05)
data = ilt.iltload(data=100 * m + rng.standard_normal(m.shape), t=[t1, t2])
Recovery = ilt.iltkernel("inversion_recovery", lambda t, tau: 1 - 2 * np.exp(-t / tau),
                         "lambda t, tau: 1 - 2 * np.exp(-t / tau)")
data.init([np.logspace(-3, 0, 12), np.logspace(-3, 0, 10)], [Recovery(), ilt.Exponential()],
          parameters={"maxloop": 25, "base_tau": [1, 1]})
data.invert(verbose=0)
data.iltstats(n=2, n_jobs=1, verbose=0, random_seed=2)
print(f"map {data.g.shape} total {data.g.sum():.4f}")
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
