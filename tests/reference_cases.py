"""ILTpy 1.0.0 reference cases as ready IltData objects: the package's own set-up
(fastilt.verification, the data installed with fastilt), reused by the tests."""

from fastilt.verification import (  # noqa: F401  (re-exported for the tests)
    CASES,
    initialised_case,
    inverted_case,
    reference,
    reference_iterations,
    relative_error,
)
