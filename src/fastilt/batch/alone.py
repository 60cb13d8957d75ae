"""One item of a batch inverted exactly as on its own (``IltData.invert``).

The python backend inverts every item this way; the compiled one only the
items its threads leave over (see :mod:`fastilt.batch.compiled_batch`).
"""

from ..errors import NonFiniteError

__all__ = ["invert_alone"]


def invert_alone(template, item, i, backend, g, convergence, iterations):
    """Invert ``item`` with ``template``'s settings into row ``i`` of the outputs."""
    work = template.with_data(item)
    try:
        work.invert(verbose=0, backend=backend)
    except NonFiniteError as error:
        raise NonFiniteError(f"item {i}: {error}", error.quantity, error.iteration) from None
    g[i] = work.g_old
    done = [c for c in work.convergence if c is not None]
    convergence[i, : len(done)] = done
    iterations[i] = len(done)
