"""``import iltpy`` answered by fastilt: the import hook behind ``fastilt run``.

A finder at the front of ``sys.meta_path`` resolves ``iltpy`` and every
``iltpy.<submodule>`` to the fastilt module of the same path
(``iltpy.fit.kernels`` -> ``fastilt.fit.kernels``), so an unmodified ILTpy
script gets fastilt's objects even where ILTpy is installed: the alias and the
module are one object, ``iltpy.IltData is fastilt.IltData``.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__all__ = ["IltpyAlias", "install", "uninstall"]

ILTPY = "iltpy"
FASTILT = "fastilt"


class _ExistingModule(importlib.abc.Loader):
    """Hands the import system a module that is already loaded, unchanged."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass  # already executed as its fastilt self


class IltpyAlias(importlib.abc.MetaPathFinder):
    """Finds ``iltpy[.X]`` as ``fastilt[.X]``; a path fastilt lacks is a ModuleNotFoundError naming both."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != ILTPY and not fullname.startswith(ILTPY + "."):
            return None
        counterpart = FASTILT + fullname[len(ILTPY):]
        try:
            module = importlib.import_module(counterpart)
        except ModuleNotFoundError as error:
            if error.name != counterpart:
                raise  # something the fastilt module itself needs is missing
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: fastilt has no counterpart of this ILTpy module "
                f"({counterpart}); fastilt provides ILTpy's public API (iltpy, iltpy.fit.kernels, "
                "iltpy.fit.inversion, iltpy.input.loader, iltpy.output.plotting, iltpy.output.reporting)",
                name=fullname,
            ) from None
        spec = importlib.util.spec_from_loader(fullname, _ExistingModule(module), is_package=hasattr(module, "__path__"))
        if hasattr(module, "__path__"):
            spec.submodule_search_locations = list(module.__path__)
        return spec


def install():
    """Put the alias first on ``sys.meta_path`` (once); forget any ILTpy already imported."""
    if not any(isinstance(finder, IltpyAlias) for finder in sys.meta_path):
        sys.meta_path.insert(0, IltpyAlias())
    for name in [n for n in sys.modules if n == ILTPY or n.startswith(ILTPY + ".")]:
        del sys.modules[name]


def uninstall():
    """Take the alias off ``sys.meta_path`` and drop the ``iltpy`` modules it answered."""
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, IltpyAlias)]
    for name in [n for n in sys.modules if n == ILTPY or n.startswith(ILTPY + ".")]:
        del sys.modules[name]
