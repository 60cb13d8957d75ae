"""``python -m fastilt``: the command line (see :mod:`fastilt.cli`)."""

import sys

from .cli import main

sys.exit(main())
