"""What ``IltData.init`` sets up for ``invert``: ILTpy's attribute names and the solver plan.

:mod:`~fastilt.problem.iltpy_names` makes the names of both ILTpy releases
readable on :class:`~fastilt.IltData`; :mod:`~fastilt.problem.plan` chooses
the linear solver of an inversion once, for the memory guard, the backends and
the batch alike.
"""
