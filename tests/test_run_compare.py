"""``fastilt run`` and ``fastilt compare`` without ILTpy installed (tests/live runs them against the real releases).

``run``: ``import iltpy`` resolves to fastilt's own modules even where a package
named ``iltpy`` exists; argv, ``__main__``, relative files and the exit status
are those of ``python SCRIPT``.  ``compare``: the machinery (two processes, two
working folders, one row per recorded call, the exit status) on a stand-in
"ILTpy" that is a second copy of fastilt's results, and the exit status 2
where ILTpy is missing.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import fastilt
from fastilt.compat import iltpy_alias

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import iltpy as ilt
    from iltpy.fit.kernels import IltKernel
    from iltpy.input.loader import iltload
    t, s = np.loadtxt("decay.txt", unpack=True)
    data = iltload(data=s, t=t)
    data.init(np.logspace(-3, 1, int(sys.argv[1])), ilt.Exponential(), parameters={"maxloop": 20})
    data.invert(verbose=0)
    data.iltstats(n=2, n_jobs=1, verbose=0, random_seed=1)
    np.save("g.npy", data.g)
    print(__name__, sys.argv[1:], ilt.__name__, ilt.IltData.__module__, IltKernel.__module__)
    sys.exit(int(sys.argv[2]))
    """
)


@pytest.fixture
def folder(tmp_path):
    t = np.linspace(1e-3, 1, 120)
    np.savetxt(tmp_path / "decay.txt", np.column_stack([t, 50 * np.exp(-t / 0.1) + np.random.default_rng(0).normal(size=t.size)]))
    (tmp_path / "script.py").write_text(SCRIPT)
    return tmp_path


def fastilt_cli(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "fastilt", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_run_behaves_as_python(folder):
    done = fastilt_cli("run", "script.py", "25", "4", cwd=folder)
    assert done.returncode == 4, done.stderr
    assert done.stdout.split() == ["__main__", "['25',", "'4']", "fastilt", "fastilt.inversion", "fastilt.kernels"]
    assert np.load(folder / "g.npy").shape == (25,)


def test_run_prefers_fastilt_over_an_installed_iltpy(folder):
    # A package named iltpy on the path (as an installed ILTpy would be) is not imported.
    (folder / "iltpy").mkdir()
    (folder / "iltpy" / "__init__.py").write_text("raise RuntimeError('the installed ILTpy was imported')\n")
    done = fastilt_cli("run", "script.py", "10", "0", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "fastilt.inversion" in done.stdout


def test_run_reports_a_script_error_as_python_does(folder):
    (folder / "bad.py").write_text("import iltpy\nraise ValueError('boom')\n")
    done = fastilt_cli("run", "bad.py", cwd=folder)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "Traceback (most recent call last):"
    assert 'File "bad.py", line 2' in done.stderr and done.stderr.rstrip().endswith("ValueError: boom")
    assert "recorder.py" not in done.stderr and "runpy" not in done.stderr


def test_run_missing_script(folder):
    done = fastilt_cli("run", "nothing.py", cwd=folder)
    assert done.returncode == 1 and "nothing.py: no such script" in done.stderr


def test_alias_gives_fastilt_modules():
    iltpy_alias.install()
    try:
        import iltpy
        import iltpy.fit.kernels
        import iltpy.input.loader
        import iltpy.output.reporting

        assert iltpy is fastilt and iltpy.fit.kernels is fastilt.fit.kernels
        assert iltpy.input.loader.iltload is fastilt.iltload
        with pytest.raises(ModuleNotFoundError, match="fastilt has no counterpart of this ILTpy module"):
            import iltpy.utils.scripts  # noqa: F401
    finally:
        iltpy_alias.uninstall()
    assert "iltpy" not in sys.modules


def test_compare_without_iltpy_exits_2(folder):
    done = fastilt_cli("compare", "script.py", "10", "0", cwd=folder)
    assert done.returncode == 2
    assert "ILTpy is not installed" in done.stdout and "pip install 'fastilt[verify]'" in done.stdout


@pytest.fixture
def stand_in_iltpy(tmp_path_factory):
    """A folder whose ``iltpy`` package is fastilt under another name: the other side of a self-comparison."""
    root = tmp_path_factory.mktemp("stand_in")
    (root / "iltpy").mkdir()
    (root / "iltpy" / "__init__.py").write_text(
        "import sys, fastilt\nsys.modules[__name__] = fastilt\n"
        "for name in ('fit', 'fit.inversion', 'fit.kernels', 'input', 'input.loader'):\n"
        "    __import__('fastilt.' + name)\n"
        "    sys.modules['iltpy.' + name] = sys.modules['fastilt.' + name]\n"
    )
    return root


def test_compare_rows_and_folders(folder, stand_in_iltpy, tmp_path):
    env = dict(__import__("os").environ, PYTHONPATH=str(stand_in_iltpy))
    done = fastilt_cli("compare", "--keep", str(tmp_path / "kept"), "script.py", "12", "0", cwd=folder, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line.rstrip().endswith(" ok")]
    assert [row[1] for row in rows] == ["invert", "iltstats"]
    assert rows[0][2:5] == ["120", "12", "20/20"]
    assert done.stdout.rstrip().endswith("2 passed, 0 failed")
    # each side wrote g.npy in its own folder, not in the user's
    assert not (folder / "g.npy").exists()
    for side in ("iltpy", "fastilt"):
        assert np.load(tmp_path / "kept" / side / "g.npy").shape == (12,)


def test_compare_says_when_the_script_fails(folder, stand_in_iltpy):
    env = dict(__import__("os").environ, PYTHONPATH=str(stand_in_iltpy))
    done = fastilt_cli("compare", "script.py", "12", "5", cwd=folder, env=env)
    assert done.returncode == 1
    assert "the script failed under ILTpy (exit status 5)" in done.stdout


def test_a_bare_memory_error_is_one_line(monkeypatch, capsys):
    # An allocation that fails past the memory guard raises MemoryError() without a message.
    from fastilt import cli
    from fastilt.cli import verify

    def out_of_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(verify, "verify", out_of_memory)
    assert cli.main(["verify", "--case", "1d_diffusion"]) == 1
    assert capsys.readouterr().err == "fastilt verify: error: out of memory\n"
