"""The Examples sections of the public docstrings run and print what they show.

Every public function, class and method documents its use with a numpydoc
``Examples`` section written as a doctest; this module runs them (one test per
docstring) and checks that none of the public API lacks one.  The ``>>>``
code of the documentation pages (``docs/*.rst``, e.g. the quick start) runs too.
"""

import argparse
import doctest
import importlib
import inspect
from pathlib import Path

import pytest

import fastilt

#: Modules whose docstrings are the public documentation (the API reference).
PUBLIC_MODULES = (
    "fastilt",
    "fastilt.loading",
    "fastilt.inversion",
    "fastilt.kernels",
    "fastilt.statistics",
    "fastilt.reporting",
    "fastilt.plotting",
    "fastilt.errors",
    "fastilt.io",
    "fastilt.batch",
    "fastilt.cli",
    "fastilt.verification",
)

#: Public methods of IltData, documented with examples like the functions.
ILTDATA_METHODS = ("init", "invert", "iltstats", "report")

OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _doctests():
    """The docstrings of the public modules and of their public names, wherever those are defined.

    A package such as ``fastilt.io`` exports names defined in its submodules,
    which a finder given the package alone does not visit.
    """
    finder = doctest.DocTestFinder()
    tests = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        found = finder.find(module)
        for obj in (getattr(module, public) for public in getattr(module, "__all__", ())):
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ != name:
                home = importlib.import_module(obj.__module__)
                found += finder.find(obj, f"{obj.__module__}.{obj.__qualname__}", module=home)
        tests.update((test.name, test) for test in found if test.examples)
    return sorted(tests.values(), key=lambda t: t.name)


def _page_doctests():
    """One doctest per documentation page with ``>>>`` code."""
    parser = doctest.DocTestParser()
    tests = []
    for page in sorted(DOCS.glob("*.rst")):
        test = parser.get_doctest(page.read_text(encoding="utf-8"), {}, f"docs/{page.name}", str(page), 0)
        if test.examples:
            tests.append(test)
    return tests


DOCS = Path(__file__).resolve().parent.parent / "docs"
DOCTESTS = _doctests() + _page_doctests()


def _public_objects():
    """(name, object) of everything in the ``__all__`` of the public modules, and IltData's methods."""
    objects = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                objects[f"{obj.__module__}.{obj.__qualname__}"] = obj
    for method in ILTDATA_METHODS:
        objects[f"fastilt.inversion.IltData.{method}"] = getattr(fastilt.IltData, method)
    return sorted(objects.items())


@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name for t in DOCTESTS])
def test_docstring_examples_run(test, tmp_path, monkeypatch):
    import matplotlib  # iltplot's example draws a figure (matplotlib is in the test extra)

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # an example that writes files writes them here
    runner = doctest.DocTestRunner(optionflags=OPTIONFLAGS)
    report = []
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)


@pytest.mark.parametrize("name, obj", _public_objects(), ids=[n for n, _ in _public_objects()])
def test_public_api_has_examples(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert "\nExamples\n--------\n" in doc, f"{name} has no numpydoc Examples section"
    examples = doctest.DocTestParser().get_examples(doc)
    assert examples, f"{name}: its Examples section has no doctest (>>> lines)"


def test_quick_start_page_is_among_the_doctests():
    assert "docs/quickstart.rst" in {t.name for t in DOCTESTS}


def _page_options(page):
    """``{program: (set of option names, the program's text)}`` from ``.. program::``/``.. option::``."""
    programs, current = {}, None
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith(".. program:: "):
            current = line.removeprefix(".. program:: ").strip()
            programs[current] = (set(), [])
        elif current is not None:
            if line.startswith(".. option:: "):
                spec = line.removeprefix(".. option:: ")
                programs[current][0].update(alternative.split()[0] for alternative in spec.split(", "))
            programs[current][1].append(line)
    return {program: (names, "\n".join(text)) for program, (names, text) in programs.items()}


def _parser_options(parser):
    """Option strings and positional arguments (as their upper-case metavar) of an argparse parser."""
    names = set()
    for action in parser._actions:
        if action.option_strings:
            names.update(action.option_strings)
        elif not isinstance(action, argparse._SubParsersAction):
            names.add(action.metavar or action.dest.upper())
    return names - {"-h", "--help"}


def test_command_line_page_lists_the_options_of_the_parser():
    from fastilt.cli import parser

    top = parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction)).choices
    expected = {"fastilt": top} | {f"fastilt {name}": sub for name, sub in commands.items()}
    page = _page_options(DOCS / "cli.rst")
    assert set(page) <= set(expected), f"docs/cli.rst documents unknown programs {set(page) - set(expected)}"
    for program, sub in expected.items():
        names, text = page.get(program, (set(), ""))
        assert names - {"-h", "--help"} == _parser_options(sub), f"docs/cli.rst, {program}"
        for action in sub._actions:  # choices that --help shows are listed on the page too
            if action.choices and action.metavar is None and not isinstance(action, argparse._SubParsersAction):
                missing = [c for c in action.choices if c not in text]
                assert not missing, f"docs/cli.rst, {program} {action.option_strings}: {missing} not listed"
