"""Every ILTpy 1.0.0 reference case is reproduced: g, fit, residuals to 1e-6, same iterations."""

import warnings

import numpy as np
import pytest

from reference_cases import CASES, initialised_case, reference, reference_iterations, relative_error

TOLERANCE = 1e-6


@pytest.mark.parametrize("name", sorted(CASES))
def test_reference_case(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        data = initialised_case(name)
    data.invert(verbose=0)
    ref = reference(name)
    assert data.g.shape == ref["g"].shape
    assert relative_error(data.g, ref["g"]) <= TOLERANCE
    assert relative_error(data.fit, ref["fit"]) <= TOLERANCE
    assert relative_error(data.residuals, ref["residuals"]) <= TOLERANCE
    iterations = sum(c is not None for c in data.convergence)
    assert iterations == reference_iterations(ref) == CASES[name]["iterations"]
    assert len(data.convergence) == data.maxloop
    np.testing.assert_allclose(
        np.array(data.convergence[:iterations], dtype=float),
        ref["convergence"][:iterations],
        rtol=1e-4,
        atol=1e-12,
    )
