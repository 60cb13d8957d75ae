import sys
from pathlib import Path

import pytest

# Test helpers (reference_cases) live beside the tests; fastilt itself is the installed package.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def follow():
    """Follow an ILTpy release in one test (``follow("1.0.0")``); the choice before is restored after."""
    import fastilt

    previous = fastilt.set_iltpy_version(None)
    yield fastilt.set_iltpy_version
    fastilt.set_iltpy_version(previous)
