"""Is the answer to be trusted? The noise level of a measurement and a diagnosis of an inversion.

:func:`estimate_noise` measures the noise (the regularisation is calibrated
for unit noise) and :func:`scale_to_unit_noise` scales the data by it; :func:`diagnose` checks a
finished inversion and says what to change.
"""

from .diagnostics import Check, Diagnosis, diagnose
from .noise import NoiseEstimate, estimate_noise, scale_to_unit_noise

__all__ = ["Check", "Diagnosis", "NoiseEstimate", "diagnose", "estimate_noise", "scale_to_unit_noise"]
