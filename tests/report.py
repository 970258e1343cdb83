"""Figures a test wants in the CI log (requests served, 5xx seen, inputs tried, faults injected).

CI runs pytest without ``-s``, so a plain print is swallowed. ``report()`` writes the
figures to ``test-artifacts/<name>.txt`` and raises them as a ``Figures`` warning, which
pytest prints in its warnings summary at the end of the run.
"""

import warnings
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


class Figures(UserWarning):
    """Not a problem: numbers a test reports for the CI log."""


def report(name, **figures):
    line = f"{name}: " + ", ".join(f"{key.replace('_', ' ')}={value}" for key, value in figures.items())
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.txt").write_text(line + "\n")
    warnings.warn(Figures(line), stacklevel=2)
    return line
