"""One item of a batch inverted exactly as on its own (``IltData.invert``).

The python backend inverts every item this way; the compiled one only the
items its threads leave over (see :mod:`fastilt.batch.compiled_batch`).
"""

__all__ = ["invert_alone"]


def invert_alone(template, item, i, backend, g, convergence, iterations):
    """Invert ``item`` with ``template``'s settings into row ``i`` of the outputs."""
    work = template.with_data(item)
    work.invert(verbose=0, backend=backend)
    g[i] = work.g_old
    done = [c for c in work.convergence if c is not None]
    convergence[i, : len(done)] = done
    iterations[i] = len(done)
