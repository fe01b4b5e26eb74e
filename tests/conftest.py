"""Test-wide set-up: draw with Agg, never with a window.

The package itself never chooses a backend (a backend forced inside a library has
removed figures from notebooks elsewhere); the tests do, once, here.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
