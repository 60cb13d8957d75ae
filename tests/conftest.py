import sys
from pathlib import Path

# Test helpers (reference_cases) live beside the tests; fastilt itself is the installed package.
sys.path.insert(0, str(Path(__file__).parent))
