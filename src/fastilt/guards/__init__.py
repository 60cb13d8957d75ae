"""Guards of an inversion against input it cannot handle.

``finite``
    values that pass their range checks but make the arithmetic overflow,
    checked up front, and the NaN/inf checks of the Python iteration loops
    (the compiled loop checks in C++);
``memory``, ``preflight``
    the peak memory of the chosen solution path, estimated before any large
    allocation;
``degenerate``
    data or tau grids that cannot give a meaningful distribution (warnings).
"""
