"""The bundled sample register export (a real Corporate Risk Register, 2021/22 Q2)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_NAME = "corporate_risk_register_2021-22_Q2.txt"
SAMPLE_PERIOD = "2021/22 Q2"
# The sample body's own details: they go into the demo's workbook and nowhere else.
SAMPLE_SETTINGS = {
    "organisation": "West Midlands Police",
    "committee": "Joint Audit Committee",
    "author": "Director of Commercial Services",
    "contact": "Strategic Risk Manager",
    "reviewing_body": "Force Executive Team",
    "framework": "Risk Management Framework",
}
# Beside this module, not importlib.resources.files("workbook"): under pytest's importlib mode the name
# `workbook` can resolve to the tests/workbook folder, and the package data ships as plain files anyway.
_SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


def sample_export_path() -> Path:
    """Return the path of the bundled sample export."""
    return _SAMPLE_DIR / SAMPLE_NAME


def sample_text() -> str:
    """Return the bundled sample export's text."""
    return sample_export_path().read_text(encoding="utf-8")
