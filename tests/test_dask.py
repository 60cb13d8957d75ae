"""Dask: invert_many on chunked stacks, IltData through pickle and worker processes, iltstats on a cluster.

Everything runs on one real ``distributed.LocalCluster`` (2 worker processes),
shared by the module.  Needs the ``dask`` extra (``pip install .[test,dask]``).
"""

import pickle
import sys

import cloudpickle
import dask.array as da
import joblib
import numpy as np
import pytest
from distributed import Client, LocalCluster

import fastilt as ilt
from fastilt.errors import InvalidItemError
from test_batch import TAU, T, cpmg_stack, t1t2_stack

# Kernels defined here hold lambdas: the workers get this module's code by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class StretchedExponential(ilt.IltKernel):
    def __init__(self):
        self.name = "stretched"
        self.kernel = lambda t, tau: np.exp(-((t / tau) ** 0.8))
        self.kernel_str = "lambda t, tau: np.exp(-(t / tau) ** 0.8)"


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_dask_stack_is_lazy_and_equals_the_numpy_run(client):
    stack = cpmg_stack(7, seed=4)
    expected = ilt.invert_many(stack, T, TAU, ilt.Exponential(), verbose=0)
    result = ilt.invert_many(da.from_array(stack, chunks=(3, 100)), T, TAU, ilt.Exponential())
    assert isinstance(result.g, da.Array) and result.g.shape == (7, TAU.size)
    assert result.fit.shape == stack.shape and result.convergence.shape == (7, 100)
    np.testing.assert_array_equal(np.asarray(result.g), expected.g)
    computed = ilt.invert_many(da.from_array(stack, chunks=(2, 100)), T, TAU, ilt.Exponential()).compute()
    assert isinstance(computed.g, np.ndarray)
    for name in ("fit", "residuals", "convergence", "iterations", "converged", "status"):
        np.testing.assert_array_equal(getattr(computed, name), getattr(expected, name), err_msg=name)


def test_dask_2d_stack_equals_the_numpy_run(client):
    stack, t = t1t2_stack(4, seed=2)
    tau, kernels = [np.logspace(-3, 1, 8)] * 2, [ilt.Exponential(), ilt.Exponential()]
    expected = ilt.invert_many(stack, t, tau, kernels, {"maxloop": 20}, verbose=0)
    result = ilt.invert_many(da.from_array(stack, chunks=(2, 6, 48)), t, tau, kernels, {"maxloop": 20})
    np.testing.assert_array_equal(np.asarray(result.g), expected.g)


def test_dask_bad_item_named_by_its_index_in_the_stack(client):
    stack = cpmg_stack(5)
    stack[4, 3] = np.nan
    result = ilt.invert_many(da.from_array(stack, chunks=2), T, TAU, ilt.Exponential())
    with pytest.raises(InvalidItemError, match="item 4 contains NaN"):
        np.asarray(result.g)
    masked = ilt.invert_many(da.from_array(stack, chunks=2), T, TAU, ilt.Exponential(), on_invalid="mask")
    np.testing.assert_array_equal(masked.masked, [4])
    assert np.all(np.isnan(np.asarray(masked.g)[4]))


def test_user_kernel_stack_on_the_cluster(client):
    stack = cpmg_stack(4, seed=6)
    expected = ilt.invert_many(stack, T, TAU, StretchedExponential(), {"maxloop": 30, "base_tau": 1}, verbose=0)
    result = ilt.invert_many(da.from_array(stack, chunks=2), T, TAU, StretchedExponential(), {"maxloop": 30, "base_tau": 1})
    np.testing.assert_array_equal(np.asarray(result.g), expected.g)


def _inverted(kernel):
    d = ilt.iltload(data=cpmg_stack(1, seed=8)[0], t=T)
    d.init(TAU, kernel, parameters={"maxloop": 30, "base_tau": 1})
    d.W, d.K0comp  # cached properties travel with the object
    d.invert(verbose=0)
    return d


def _reinvert(d):
    d.invert(verbose=0)
    return d.g, d.convergence


def test_iltdata_pickles_with_its_cached_matrices():
    d = _inverted(ilt.Exponential())
    copy = pickle.loads(pickle.dumps(d))
    assert {"W", "K0comp"} <= set(copy.__dict__)
    np.testing.assert_array_equal(copy.W, d.W)
    np.testing.assert_array_equal(copy.g, d.g)
    g, convergence = _reinvert(copy)
    np.testing.assert_array_equal(g, d.g)
    assert convergence == d.convergence


def test_iltdata_with_a_lambda_kernel_round_trips_through_a_worker(client):
    d = _inverted(StretchedExponential())
    np.testing.assert_array_equal(cloudpickle.loads(cloudpickle.dumps(d)).g, d.g)
    g, convergence = client.submit(_reinvert, d, pure=False).result()
    np.testing.assert_array_equal(g, d.g)
    assert convergence == d.convergence


def test_iltstats_on_the_cluster_equals_the_local_run(client):
    d = _inverted(ilt.Exponential())
    local = d.iltstats(n=3, n_jobs=1, verbose=0, random_seed=11)
    local = {k: np.asarray(v) for k, v in local.items()}
    with joblib.parallel_config(backend="dask"):
        remote = d.iltstats(n=3, verbose=0, random_seed=11)
    for name, value in remote.items():
        np.testing.assert_array_equal(np.asarray(value), local[name], err_msg=name)


def test_numpy_and_dask_stacks_take_the_same_data():
    """One set of checks at both front doors: bool data (0/1 decays) is inverted by both alike."""
    t = np.linspace(0.001, 1, 40)
    stack = np.array([t < 0.3, t < 0.6])
    eager = ilt.invert_many(stack, t, np.logspace(-3, 1, 12), ilt.Exponential(), verbose=0)
    lazy = ilt.invert_many(da.from_array(stack, chunks=1), t, np.logspace(-3, 1, 12), ilt.Exponential()).compute()
    np.testing.assert_array_equal(lazy.g, eager.g)
    with pytest.raises(TypeError, match="must be real"):
        ilt.invert_many(da.from_array(stack.astype(complex), chunks=1), t, np.logspace(-3, 1, 12), ilt.Exponential())
