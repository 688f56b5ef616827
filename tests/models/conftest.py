"""pytest runs in importlib mode (test folders are not on ``sys.path``): make ``models_testutil``
beside this file importable from the test modules."""

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
