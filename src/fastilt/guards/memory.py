"""Peak memory of an inversion, estimated before its large arrays are allocated.

Each solution path holds known arrays at the same time: ``W`` and the compiled
core's copies of it, the storage the factorisation needs at least, Γ in
stencil storage, the convergence list.  Their sizes follow from the number of
unknowns ``n``, the pattern of ``W`` (known from the per-dimension kernel
blocks before ``W`` exists) and the stencil of Γ.  :func:`require` compares such
an estimate with the memory available and raises :class:`MemoryError` with the
estimate and the ways out, before any time is spent.  The estimates count only
what a path must hold (lower bounds: a factor's fill-in beyond the pattern is
left out), so a refused problem could not have run.

The memory available is the tightest of ``MemAvailable`` of ``/proc/meminfo``
(or the free physical pages), what the process limits leave (``RLIMIT_AS``,
set by ``ulimit -v``, less the address space in use; ``RLIMIT_DATA`` less the
data segment), what the container's cgroup leaves (v2 ``memory.max`` less
``memory.current``, v1 ``memory.limit_in_bytes`` less ``memory.usage_in_bytes``)
and, if set, the environment variable ``FASTILT_MAX_MEMORY`` (bytes, or with a
suffix: ``"512M"``, ``"8G"``).  Under a process or cgroup limit MemAvailable
still shows the whole machine: the allocation would fail seconds later with an
empty MemoryError, so the limits are compared up front as well.
"""

import os
import re

__all__ = [
    "MEMORY_LIMIT_VARIABLE",
    "available_bytes",
    "require",
    "format_bytes",
    "solve_bytes",
    "iteration_bytes",
    "product_bytes",
]

MEMORY_LIMIT_VARIABLE = "FASTILT_MAX_MEMORY"

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
#: Below this the machine's memory is not read (a file read in every small
#: inversion): any machine that runs Python has it.  A user limit still applies.
_ALWAYS_AVAILABLE = 16 * 2**20
_VALUE = 8  # bytes of a double
_ENTRY = 12  # a sparse entry: a double and a 32-bit index
#: Where the kernel shows this process's control groups and their limits.
_PROC_CGROUP = "/proc/self/cgroup"
_CGROUP_ROOT = "/sys/fs/cgroup"


def _user_limit():
    text = os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d*)?(?:[eE]\d+)?)\s*([KMGT]?)i?B?", text, flags=re.IGNORECASE)
    if match is None:
        raise ValueError(
            f"{MEMORY_LIMIT_VARIABLE}={text!r} is not a memory size; give bytes or a number with "
            "K, M, G or T (e.g. 8G)"
        )
    return int(float(match[1]) * _UNITS[match[2].upper()])


def _system_available():
    try:
        # Bytes, not text: decoding would import a codec, half a millisecond
        # of a first small inversion.
        with open("/proc/meminfo", "rb") as meminfo:
            for line in meminfo:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _process_status(field):
    """A ``kB`` field of ``/proc/self/status`` (``VmSize``, ``VmData``) in bytes, or None."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(field + b":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _process_limits():
    """``(bytes left, source)`` under each finite ``RLIMIT_AS``/``RLIMIT_DATA`` (``ulimit -v``/``-d``)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return []
    left = []
    for name, field, source in (("RLIMIT_AS", b"VmSize", "address space left under this process's limit "
                                 "(RLIMIT_AS, ulimit -v)"),
                                ("RLIMIT_DATA", b"VmData", "data segment left under this process's limit "
                                 "(RLIMIT_DATA, ulimit -d)")):
        soft, _ = resource.getrlimit(getattr(resource, name))
        if soft != resource.RLIM_INFINITY:
            left.append((max(soft - (_process_status(field) or 0), 0), source))
    return left


def _read_number(path):
    try:
        with open(path, "rb") as file:
            return int(file.read().split()[0])
    except (OSError, ValueError, IndexError):  # absent, or "max" (no limit)
        return None


def _cgroup_limit():
    """``(bytes left, source)`` under this process's memory cgroup (v2, else v1), or None."""
    try:
        with open(_PROC_CGROUP, "rb") as cgroups:
            lines = [line.strip().split(b":", 2) for line in cgroups]
    except OSError:
        return None
    for hierarchy, controllers, group in lines:
        if hierarchy == b"0" and not controllers:  # cgroup v2: one unified hierarchy
            mount, files = _CGROUP_ROOT, ("memory.max", "memory.current")
        elif b"memory" in controllers.split(b","):  # cgroup v1: the memory controller's own hierarchy
            mount, files = f"{_CGROUP_ROOT}/memory", ("memory.limit_in_bytes", "memory.usage_in_bytes")
        else:
            continue
        group = group.decode(errors="replace").strip("/")
        # inside a container the group's own folder is usually mounted as the root
        for folder in dict.fromkeys((f"{mount}/{group}".rstrip("/"), mount)):
            limit, used = (_read_number(f"{folder}/{name}") for name in files)
            if limit is not None:
                break
        if limit is not None and limit < 2**60:  # v1 writes "no limit" as a page-rounded 2**63 - 1
            return max(limit - (used or 0), 0), "left under this container's memory limit (cgroup)"
    return None


def available_bytes(needed=None):
    """``(bytes, source)`` available to an inversion, or ``(None, None)`` when unknown.

    The tightest of the user limit (``FASTILT_MAX_MEMORY``), the machine's
    available memory, the process limits and the cgroup limit.  With
    ``needed`` below 16 MiB, only a user limit is looked up.
    """
    limits = [(_user_limit(), MEMORY_LIMIT_VARIABLE)]
    if needed is None or needed >= _ALWAYS_AVAILABLE:
        limits += [(_system_available(), "available on this machine"), *_process_limits(), _cgroup_limit()]
    limits = [limit for limit in limits if limit is not None and limit[0] is not None]
    return min(limits) if limits else (None, None)


def format_bytes(size):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.3g} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024


def require(parts, what, ways_out):
    """Raise :class:`MemoryError` when the bytes of ``parts`` (description -> bytes) exceed the memory available."""
    needed = sum(parts.values())
    available, source = available_bytes(needed)
    if available is None or needed <= available:
        return
    largest = sorted(parts.items(), key=lambda item: -item[1])[:2]
    detail = ", ".join(f"{part} {format_bytes(size)}" for part, size in largest if size > 0)
    limit = (
        f"the {MEMORY_LIMIT_VARIABLE} limit of {format_bytes(available)}"
        if source == MEMORY_LIMIT_VARIABLE
        else f"the {format_bytes(available)} {source}"
    )
    raise MemoryError(f"{what} needs at least {format_bytes(needed)} of memory ({detail}), more than {limit}; {ways_out}")


def iteration_bytes(n, stencil_offsets, directions, maxloop):
    """Γ in stencil storage (and the previous Γ), the per-direction weights and the convergence list."""
    return {
        "Γ and its weights": _VALUE * n * (2 * stencil_offsets + 3 * directions + 2),
        f"the convergence list (maxloop = {maxloop})": 16 * maxloop,
    }


def product_bytes(entries_a, entries_w):
    """A sparse ``A`` (and its transpose) and the sparse product ``W = AᵀA``."""
    return _ENTRY * (2 * entries_a + entries_w)


def solve_bytes(layout, n, w_entries, w_bandwidth, stencil_offsets, data_size=0):
    """Bytes the linear solves of ``layout`` hold at once (a lower bound).

    ``w_entries`` are the stored entries of ``W`` (``n²`` when dense),
    ``w_bandwidth`` its lower bandwidth, ``stencil_offsets`` the number of
    stencil slots of Γ per point and ``data_size`` the rows of the operator
    (data-space forms).  Layouts: those of the compiled core (``"dense"``,
    ``"band"``, ``"cholmod"``/``"sparse"``, ``"lowrank"``), ``"superlu"`` and
    ``"user"`` (normal-equation matrices handed to a Python solver),
    ``"python-dense"`` (the fallback's dense solve) and ``"data-space"``
    (alt_g 2/4/6/8 in the fallback).
    """
    dense = w_entries >= n * n
    w = (_VALUE if dense else _ENTRY) * w_entries  # W as the caller holds it
    gamma_lower = _ENTRY * n * stencil_offsets  # Γ's lower triangle in a sparse matrix
    system_lower = _ENTRY * (w_entries + n) // 2 + gamma_lower  # that of W + Γ, at least
    if layout == "dense":  # W, the core's copy, W + Γ factored in place
        return 3 * _VALUE * n * n
    if layout == "band":  # W, its lower triangle (64-bit indices), the band of W + Γ
        return w + 16 * (w_entries + n) // 2 + _VALUE * n * (w_bandwidth + 1)
    if layout in ("cholmod", "sparse"):  # W (as CSC), the pattern of W + Γ, its values twice, the factor
        csc = w + (_ENTRY * w_entries if dense else 0)
        return csc + 16 * (w_entries + n) // 2 + 3 * system_lower
    if layout == "lowrank":  # Γ's factor and the per-dimension W_d (k >= 1 rows of A ignored)
        return 2 * gamma_lower
    if layout == "superlu":  # W, W + Γ twice (sum, CSC copy), the LU factors
        return w + 4 * system_lower
    if layout == "user":  # W and W + Γ in the same storage
        return 3 * w if dense else w + 2 * system_lower
    if layout == "python-dense":  # W, Γ densified, W + Γ, LAPACK's copy
        return 4 * _VALUE * n * n
    if layout == "data-space":  # A dense, Γ and its factor dense, Āᵀ, the data-space matrices
        return _VALUE * (2 * n * n + 2 * n * data_size + 4 * data_size * data_size)
    raise ValueError(f"unknown layout {layout!r}")
