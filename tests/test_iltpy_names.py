"""ILTpy 1.0's and 1.1's attribute names are both readable on IltData, whichever release is followed."""

import numpy as np
import pytest
import scipy.sparse as sp

import fastilt as ilt
from fastilt.problem.iltpy_names import PRIVATE_IN_1_1


def _decay(sigma=None, parameters=None):
    t = np.linspace(0.001, 1, 60)
    data = ilt.iltload(data=100 * np.exp(-t / 0.05) + np.random.default_rng(0).normal(size=t.size), t=t)
    data.init(np.logspace(-3, 1, 20), ilt.Exponential(), sigma=sigma, parameters={"maxloop": 5, **(parameters or {})})
    return data


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_both_names_read_the_same_value(version, follow):
    follow(version)
    data = _decay(sigma=np.ones(60), parameters={"alt_g": 4})
    data.invert(verbose=0)
    for private, public in PRIVATE_IN_1_1:
        assert getattr(data, private) is getattr(data, public), private
    data._inverted = False  # written through either name
    assert data.inverted is False


def test_views_of_values_only_1_1_names():
    data = _decay()
    template = data._data_dict_template
    assert set(template) == {"dataset_type", "filepath", "dims"}
    np.testing.assert_array_equal(template["dims"][0], data.t_input[0])
    assert data._ncomp == data.mcomp.shape[0] == 60
    assert data._is_kernel_sparse is False
    assert "Is" not in vars(data)  # formed only when read
    assert np.array_equal(data._Is, np.eye(60)) and data.Is is data._Is
    forced = _decay(parameters={"force_sparse": True})
    assert sp.issparse(forced._Is) and forced._is_kernel_sparse


def test_absent_values_are_absent_under_both_names():
    data = _decay()
    assert not hasattr(data, "isigma") and not hasattr(data, "_isigma")
    assert not hasattr(data, "_mcompbar")


@pytest.mark.parametrize(
    "version, default, alt_g, user",
    [("1.0.0", "default-dense", "alt_g", "user-defined"), ("1.1.0", "iltpy-default", "alt_g_2", "user-defined")],
)
def test_solver_type_follows_the_release(version, default, alt_g, user, follow):
    follow(version)
    data = _decay()
    assert data.solver_type == "default-dense"  # after init, in both releases
    data.invert(verbose=0)
    assert data.solver_type == default and data._solver_type == default
    data.invert(verbose=0, solver=lambda A, b: np.linalg.solve(A.toarray() if sp.issparse(A) else A, b))
    assert data.solver_type == user
    data.init(parameters={"alt_g": 2})
    data.invert(verbose=0)
    assert data.solver_type == alt_g


@pytest.mark.parametrize("version, refused", [("1.0.0", False), ("1.1.0", True)])
def test_bool_verbose_in_invert_is_refused_as_iltpy_1_1_refuses_it(version, refused, follow):
    follow(version)
    data = _decay()
    if refused:
        with pytest.raises(ValueError, match="verbose must be an integer"):
            data.invert(verbose=False)
    else:
        data.invert(verbose=False)
    data.invert(verbose=np.int64(0))  # NumPy integers stay welcome


def test_report_names_iltpys_solver_type_and_what_ran(tmp_path):
    data = _decay()
    data.invert(verbose=0)
    text = open(data.report(tmp_path / "r")["report"]).read()
    assert f"# Solver : {data.solver_type} (ILTpy {ilt.iltpy_version()}'s name), ran {data.solver}" in text


def test_settings_come_from_one_frozen_configuration():
    import dataclasses

    data = _decay(parameters={"alpha_00": 2, "sb": True})
    config = data.configuration
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.Nx = None
    for field in dataclasses.fields(config):
        assert getattr(data, field.name) is getattr(config, field.name), field.name
    assert data.idx == config.iltpy_attributes()["idx"] == [[0, 0]]
    assert (data.sb, data.maxloop, data.alpha_00, data.ndim, data.Nx0tot) == ([True], 5, 2, 1, 20)
    assert data.penalty_model.alpha_00 == 2.0 and data.penalty_model.shape == (21,)
