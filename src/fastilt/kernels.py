"""Kernel functions of the forward model ``s(t) = ∫ K(t, tau) g(tau) dtau``.

A kernel object carries three attributes, the same as in ILTpy, so that kernels
written for ILTpy work unchanged:

``name``
    identifier; the built-in names are the keys of :data:`BUILTIN_KERNELS`.
``kernel(t, tau)``
    called with ``t`` of shape ``(1, Nt)`` and ``tau`` of shape ``(Ntau, 1)``;
    returns the ``(Ntau, Nt)`` matrix ``K[k, j] = kernel(t_j, tau_k)``.
``kernel_str``
    a human-readable formula, written into reports.
"""

import copy

import numpy as np

from .compat.versions import iltpy_version

__all__ = [
    "IltKernel",
    "iltkernel",
    "Identity",
    "Exponential",
    "Diffusion",
    "Gaussian",
    "RealRcKernel",
    "ImagRcKernel",
    "InversionRecovery",
    "SaturationRecovery",
    "BUILTIN_KERNELS",
    "LOG_AXIS_KERNELS",
    "kernel_from_spec",
]


def _identity(t, tau):
    return np.eye(t.size)


def _exp_in_place(x):
    # exp into its own argument: a second (n_tau x n_t) array costs the first
    # touch of its pages, 0.8 instead of 0.2 ms for 100 x 1024 (same values).
    return np.exp(x, out=x)


def _exponential(t, tau):
    return _exp_in_place(-t / tau)


def _diffusion(b, d):
    return _exp_in_place(-b * d)


def _gaussian(t, tau):
    return _exp_in_place(-(t**2) * (1 / tau) ** 2 / 2)


def _inversion_recovery(t, tau):
    return 1 - 2 * np.exp(-t / tau)


def _saturation_recovery(t, tau):
    return 1 - np.exp(-t / tau)


def _rc_response(f, tau):
    # Debye relaxation of one RC element: 1 / (1 + 2 pi i f tau)
    return 1.0 / (1 + 1j * 2 * np.pi * tau * f)


def _real_rc(f, tau):
    return np.real(_rc_response(f, tau))


def _imag_rc(f, tau):
    return np.imag(_rc_response(f, tau))


class _KernelAttribute:
    """``name``, ``kernel`` or ``kernel_str`` of a kernel: read-only once it is built.

    ILTpy 1.1 keeps them as ``_name``, ``_kernel`` and ``_kernel_str`` behind
    read-only properties; ILTpy 1.0 kernels set the public names in their
    ``__init__``.  Both work here: assignment is accepted while the kernel is
    being constructed (a 1.0-style subclass) and afterwards only when
    following ILTpy 1.0.0.  On the class, the attribute gives the class's own
    value (``Exponential.name == "_exponential_"``).
    """

    def __set_name__(self, owner, name):
        self.public = name
        self.private = "_" + name

    def __get__(self, kernel, owner):
        source = owner if kernel is None else kernel
        try:
            return getattr(source, self.private)
        except AttributeError:
            raise AttributeError(f"{owner.__name__} has no attribute {self.public!r}") from None

    def __set__(self, kernel, value):
        if kernel.__dict__.get("_constructed") and iltpy_version() != "1.0.0":
            raise AttributeError(
                f"{self.public!r} of the kernel {type(kernel).__name__} is read-only, as in ILTpy 1.1; "
                "make a new kernel (fastilt.iltkernel) or follow ILTpy 1.0.0 "
                "(fastilt.set_iltpy_version('1.0.0'))"
            )
        kernel.__dict__[self.private] = value


class _KernelType(type):
    """Marks each kernel as constructed once its ``__init__`` has returned."""

    def __call__(cls, *args, **kwargs):
        kernel = super().__call__(*args, **kwargs)
        kernel.__dict__["_constructed"] = True
        return kernel


class IltKernel(metaclass=_KernelType):
    """Base class of all kernels; subclass it, or call :func:`iltkernel`, for a user-defined kernel.

    A subclass sets three attributes in its ``__init__``, as in ILTpy 1.0
    (``self.name = ...``) or 1.1 (``self._name = ...``); once built, a kernel's
    attributes are read-only, as in ILTpy 1.1.  The base class itself is a
    placeholder meaning "no kernel chosen".

    Attributes
    ----------
    name : str
        Identifier of the kernel (written into reports).
    kernel : callable
        ``kernel(t, tau)``, called with ``t`` of shape ``(1, Nt)`` and ``tau``
        of shape ``(Ntau, 1)``; returns the ``(Ntau, Nt)`` kernel matrix.
    kernel_str : str
        A human-readable formula (written into reports).

    Examples
    --------
    A stretched exponential decay, used like a built-in kernel.  As in ILTpy,
    ``init`` warns that ``base_tau`` (1: logarithmic tau axis, the default;
    0: linear) is not known for a user kernel:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> class StretchedExp(ilt.IltKernel):
    ...     def __init__(self):
    ...         self.name = "stretched"
    ...         self.kernel = lambda t, tau: np.exp(-t / tau) ** 0.5
    ...         self.kernel_str = "lambda t, tau: np.exp(-t / tau) ** 0.5"
    >>> t = np.linspace(0.001, 1, 200)
    >>> data = ilt.iltload(data=100 * np.exp(-t / 0.1) ** 0.5, t=t)
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     data.init(np.logspace(-3, 1, 50), StretchedExp())
    >>> print(caught[0].message)
    base_tau must be set for user-defined kernels: 1 for a logarithmic, ...
    >>> data.kernel[0].name, data.K[0].shape
    ('stretched', (50, 200))
    """

    name = _KernelAttribute()
    kernel = _KernelAttribute()
    kernel_str = _KernelAttribute()

    _name = "_IltKernel_"
    _kernel = staticmethod(_identity)
    _kernel_str = "no kernel"

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class _BuiltinKernel(IltKernel):
    """A kernel given by a module-level function and its formula (class attributes)."""

    def __deepcopy__(self, memo):
        # What copy.deepcopy makes of it, without the generic reduce and
        # reconstruct steps (50 µs on their first call in a process, paid by
        # init, which copies the settings).
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        clone.__dict__.update({key: copy.deepcopy(value, memo) for key, value in self.__dict__.items()})
        return clone


def iltkernel(kernel_name, kernel_func, kernel_str=None):
    """A user-defined kernel class, as ILTpy 1.1's ``iltkernel`` makes it.

    Parameters
    ----------
    kernel_name : str
        The kernel's ``name`` (written into reports).
    kernel_func : callable
        ``kernel_func(t, tau)``, called with ``t`` of shape ``(1, Nt)`` and
        ``tau`` of shape ``(Ntau, 1)``; returns the ``(Ntau, Nt)`` matrix.
    kernel_str : str, optional
        The formula written into reports (default: ``kernel_name``).

    Returns
    -------
    type
        A subclass of :class:`IltKernel`: instantiate it to get the kernel.

    Raises
    ------
    TypeError
        ``kernel_name`` or ``kernel_str`` is not a string, or ``kernel_func``
        is not callable.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> Stretched = ilt.iltkernel("stretched", lambda t, tau: np.exp(-t / tau) ** 0.5,
    ...                           "lambda t, tau: np.exp(-t / tau) ** 0.5")
    >>> kernel = Stretched()
    >>> kernel.name, isinstance(kernel, ilt.IltKernel)
    ('stretched', True)
    >>> kernel.name = "other"
    Traceback (most recent call last):
    ...
    AttributeError: 'name' of the kernel UserDefinedIltKernel is read-only, as in ILTpy 1.1; ...
    """
    kernel_str = kernel_name if kernel_str is None else kernel_str
    if not isinstance(kernel_name, str):
        raise TypeError(f"iltkernel: kernel_name must be a string, got {type(kernel_name).__name__}")
    if not callable(kernel_func):
        raise TypeError(f"iltkernel: kernel_func must be callable kernel(t, tau), got {type(kernel_func).__name__}")
    if not isinstance(kernel_str, str):
        raise TypeError(f"iltkernel: kernel_str must be a string, got {type(kernel_str).__name__}")
    return type(
        "UserDefinedIltKernel",
        (IltKernel,),
        {"_name": kernel_name, "_kernel": staticmethod(kernel_func), "_kernel_str": kernel_str, "__module__": __name__},
    )


class Identity(_BuiltinKernel):
    """Regularised but not inverted dimension (pseudo-2D/3D data).

    Examples
    --------
    Pseudo-2D data: 6 decays of 100 points inverted along the first
    dimension only, regularised (smooth) along the second.

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 100)
    >>> rows = np.exp(-t[:, None] / np.linspace(0.05, 0.1, 6))
    >>> data = ilt.iltload(data=100 * rows, t=[t])
    >>> data.init([np.logspace(-3, 1, 40)], [ilt.Exponential(), ilt.Identity()])
    >>> data.invert(verbose=0)
    >>> data.g.shape
    (40, 6)
    """

    _name = "_identity_"
    _kernel = staticmethod(_identity)
    _kernel_str = "identity: K = I (dimension regularised, not inverted)"


class Exponential(_BuiltinKernel):
    """Relaxation decay ``exp(-t / tau)`` (T2 CPMG, echo decays).

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> K = ilt.Exponential().kernel(np.array([[0.0, 1.0]]), np.array([[1.0], [2.0]]))
    >>> np.round(K, 3)
    array([[1.   , 0.368],
           [1.   , 0.607]])
    """

    _name = "_exponential_"
    _kernel = staticmethod(_exponential)
    _kernel_str = "exp(-t / tau)"


class Diffusion(_BuiltinKernel):
    """Diffusion attenuation ``exp(-b D)`` (PFG NMR); ``t`` is b, ``tau`` is D.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> b = np.array([[0.0, 1e9]])                 # s/m^2
    >>> D = np.array([[2.3e-9]])                    # m^2/s (water)
    >>> np.round(ilt.Diffusion().kernel(b, D), 3)
    array([[1. , 0.1]])
    """

    _name = "_diffusion_"
    _kernel = staticmethod(_diffusion)
    _kernel_str = "exp(-b * D)"


class Gaussian(_BuiltinKernel):
    """Gaussian decay ``exp(-t^2 / (2 tau^2))``.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> np.round(ilt.Gaussian().kernel(np.array([[0.0, 1.0, 2.0]]), np.array([[1.0]])), 3)
    array([[1.   , 0.607, 0.135]])
    """

    _name = "_gaussian_"
    _kernel = staticmethod(_gaussian)
    _kernel_str = "exp(-t**2 / (2 * tau**2))"


class RealRcKernel(_BuiltinKernel):
    """Real part of an RC element's response, for the distribution of relaxation times.

    Examples
    --------
    At ``f = 1 / (2 pi tau)`` an RC element has lost half of its real part:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> tau = np.array([[1e-3]])
    >>> f = np.array([[0.0, 1 / (2 * np.pi * 1e-3)]])
    >>> np.round(ilt.RealRcKernel().kernel(f, tau), 3)
    array([[1. , 0.5]])
    """

    _name = "_real_rc_kernel_"
    _kernel = staticmethod(_real_rc)
    _kernel_str = "Re(1 / (1 + 2j * pi * f * tau))"


class ImagRcKernel(_BuiltinKernel):
    """Imaginary part of an RC element's response, for the distribution of relaxation times.

    Examples
    --------
    The imaginary part peaks (at -1/2) where ``f = 1 / (2 pi tau)``:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> tau = np.array([[1e-3]])
    >>> f = np.array([[0.0, 1 / (2 * np.pi * 1e-3)]])
    >>> np.round(ilt.ImagRcKernel().kernel(f, tau), 3)
    array([[ 0. , -0.5]])
    """

    _name = "_imag_rc_kernel_"
    _kernel = staticmethod(_imag_rc)
    _kernel_str = "Im(1 / (1 + 2j * pi * f * tau))"


class InversionRecovery(_BuiltinKernel):
    """Inversion recovery ``1 - 2 exp(-t / T1)`` (complete inversion); fastilt's, not an ILTpy kernel.

    A decay (:class:`Exponential`) fitted to an inversion recovery gives
    negative amplitudes; this kernel gives positive ones.  The instrument
    readers suggest it for inversion-recovery experiments.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> np.round(ilt.InversionRecovery().kernel(np.array([[0.0, 1.0]]), np.array([[1.0]])), 3)
    array([[-1.   ,  0.264]])
    """

    _name = "_inversion_recovery_"
    _kernel = staticmethod(_inversion_recovery)
    _kernel_str = "1 - 2 * exp(-t / tau)"


class SaturationRecovery(_BuiltinKernel):
    """Saturation recovery ``1 - exp(-t / T1)``; fastilt's, not an ILTpy kernel.

    A static term (imperfect saturation) is the kernel's constant end, T1
    below the first delay.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> np.round(ilt.SaturationRecovery().kernel(np.array([[0.0, 1.0]]), np.array([[1.0]])), 3)
    array([[0.   , 0.632]])
    """

    _name = "_saturation_recovery_"
    _kernel = staticmethod(_saturation_recovery)
    _kernel_str = "1 - exp(-t / tau)"


#: Kernels that may be named by string, as in ILTpy.
BUILTIN_KERNELS = {
    cls._name: cls
    for cls in (IltKernel, Identity, Exponential, Diffusion, Gaussian, RealRcKernel, ImagRcKernel,
                InversionRecovery, SaturationRecovery)
}

#: Built-in kernels whose tau axis is logarithmic (base_tau = 1).
LOG_AXIS_KERNELS = frozenset(
    cls.name for cls in (Exponential, Diffusion, Gaussian, RealRcKernel, ImagRcKernel, InversionRecovery,
                         SaturationRecovery)
)

#: Built-in kernels for which a tau grid can be generated from t.
TAU_FROM_T_KERNELS = frozenset((Exponential.name, Gaussian.name))


def kernel_from_spec(spec):
    """Return a kernel object for ``spec``: a kernel instance or a built-in name.

    Parameters
    ----------
    spec : IltKernel or str
        A kernel instance (returned as it is after its attributes are
        checked) or a key of :data:`BUILTIN_KERNELS` such as ``"_exponential_"``.

    Returns
    -------
    IltKernel

    Raises
    ------
    ValueError
        An unknown kernel name.
    TypeError
        A kernel class instead of an instance, or not a kernel at all.
    AttributeError
        A user kernel that does not set ``name``, ``kernel`` or ``kernel_str``.

    Examples
    --------
    >>> from fastilt.kernels import kernel_from_spec
    >>> kernel_from_spec("_exponential_")
    Exponential(name='_exponential_')
    >>> kernel_from_spec("exponential")
    Traceback (most recent call last):
    ...
    ValueError: kernel 'exponential' is not a built-in kernel name; ...
    """
    if isinstance(spec, str):
        try:
            return BUILTIN_KERNELS[spec]()
        except KeyError:
            raise ValueError(
                f"kernel {spec!r} is not a built-in kernel name; known names are "
                f"{sorted(BUILTIN_KERNELS)}. For a user-defined kernel pass an "
                "instance of an IltKernel subclass."
            ) from None
    if isinstance(spec, type) and issubclass(spec, IltKernel):
        raise TypeError(
            f"kernel must be an instance, got the class {spec.__name__}; "
            f"pass {spec.__name__}() instead"
        )
    if not isinstance(spec, IltKernel):
        raise TypeError(
            "kernel must be an IltKernel instance or a built-in kernel name, "
            f"got {type(spec).__name__}"
        )
    cls = type(spec).__name__
    for attribute in ("name", "kernel", "kernel_str"):
        if not _defines(spec, attribute):
            raise AttributeError(
                f"kernel {cls} is missing the required attribute {attribute!r}; set "
                f"self.name, self.kernel and self.kernel_str in {cls}.__init__"
            )
    if not isinstance(spec.name, str):
        raise TypeError(f"kernel {cls}: name must be a string, got {spec.name!r}")
    if not callable(spec.kernel):
        raise TypeError(f"kernel {cls} ({spec.name!r}): kernel must be callable kernel(t, tau)")
    return spec


def _defines(kernel, attribute):
    """Whether ``kernel`` sets ``attribute`` itself (not only through IltKernel's placeholders).

    ``IltKernel`` carries class-level placeholders for its own name and formula;
    a user subclass that never sets the attribute, public (ILTpy 1.0) or
    private (1.1), must still be reported as missing it, as ILTpy does.
    """
    if type(kernel) is IltKernel:  # the placeholder itself: "no kernel chosen"
        return True
    names = (attribute, "_" + attribute)
    if any(name in getattr(kernel, "__dict__", {}) for name in names):
        return True
    for klass in type(kernel).__mro__:
        if klass is IltKernel:
            return False
        if any(name in vars(klass) for name in names):
            return True
    return False
