"""Every optional extra's packages import together in one fresh process.

pip resolves each extra on the day CI runs, against the newest releases.  A
pair that pip accepts can still fail to import: in December 2026 a bare
``distributed`` requirement let pip walk back to distributed 2021.4.1 beside
dask 2026.11.0, which imports names dask has since removed.  The extras now
go through dask's own ``distributed`` extra (which pins the pair); this test
imports every distribution that the installed fastilt's extras bring, with the
extras those requirements ask for in turn, so a broken pair fails here, by
name, rather than at the collection of a later test.
"""

import subprocess
import sys
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def _requirements(dist_name, extra):
    """Requirements of ``dist_name`` that apply here with ``extra`` asked for ("" = base)."""
    found = []
    for line in metadata.requires(dist_name) or []:
        req = Requirement(line)
        if req.marker is None:
            applies = extra == ""
        else:
            applies = req.marker.evaluate({"extra": extra}) and (
                extra == "" or not req.marker.evaluate({"extra": ""})
            )
        if applies:
            found.append(req)
    return found


def _closure(dist_name, extras):
    """Every distribution that ``dist_name[extras]`` brings, with the extras asked of it."""
    seen = {}
    todo = [(dist_name, set(extras) | {""})]
    while todo:
        name, wanted = todo.pop()
        key = canonicalize_name(name)
        new = wanted - seen.get(key, set())
        if not new:
            continue
        seen.setdefault(key, set()).update(new)
        for extra in new:
            for req in _requirements(name, extra):
                todo.append((req.name, {canonicalize_name(e) for e in req.extras} | {""}))
    seen.pop(canonicalize_name(dist_name), None)
    return {name: extras - {""} for name, extras in seen.items()}


def _import_names(dist_name):
    """The top-level modules a distribution installs (its import names)."""
    dist = metadata.distribution(dist_name)
    names = {
        file.parts[0].removesuffix(".py")
        for file in dist.files or []
        if file.suffix == ".py" and not file.parts[0].endswith((".dist-info", ".data"))
        and file.parts[0] not in ("__pycache__", "tests", "test", "..")
    }
    return sorted(n for n in names if n.isidentifier() and not n.startswith("_"))


FASTILT_EXTRAS = metadata.metadata("fastilt").get_all("Provides-Extra")


def test_extras_are_declared():
    # The extras a user installs (pyproject.toml), as the installed metadata gives them.
    assert {"test", "io", "dask", "plot", "docs"} <= set(FASTILT_EXTRAS)


def test_test_extra_brings_every_other_runtime_extra():
    # `test` installs what the suite exercises: the readers' and Dask's extras through
    # their own names, so the two declarations cannot drift apart.
    closure = _closure("fastilt", {"test"})
    for package in ("nmrglue", "dask", "distributed", "matplotlib", "hypothesis", "pytest"):
        assert package in closure, package
    assert {"array", "distributed"} <= closure["dask"]


@pytest.mark.parametrize("extra", ["test", "io", "dask"])
def test_extra_imports_together(extra):
    closure = _closure("fastilt", {extra})
    modules = sorted({name for dist in closure for name in _import_names(dist)})
    assert modules, extra
    # Dask's pair is the one that broke: make sure it is in the dask/test imports.
    if extra in ("test", "dask"):
        assert {"dask", "distributed"} <= set(modules)
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    done = subprocess.run([sys.executable, "-c", code, *modules], capture_output=True, text=True)
    assert done.returncode == 0, f"fastilt[{extra}] does not import together:\n{done.stderr[-3000:]}"


def test_dask_and_distributed_are_one_release():
    # dask[distributed] pins distributed to dask's own version; a mismatched pair is what
    # a bare "distributed" requirement let pip choose.
    assert metadata.version("distributed") == metadata.version("dask")
