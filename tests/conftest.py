"""Fixtures every test folder shares: the sample register workbook, built fresh from the bundled export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: in CI the same examples every run (a failure reproduces), no deadline on a shared 2-core machine.
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

from workbook.core.periods import parse_period
from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
from workbook.xlsx.builder import import_export


@pytest.fixture
def sample_export() -> Path:
    """Return the path of the bundled sample export (read only: copy it before changing it)."""
    return sample_export_path()


@pytest.fixture
def sample_workbook(tmp_path: Path) -> Path:
    """Return a fresh register workbook (.xlsx) imported from the sample: 18 risks, reporting 2021/22 Q2."""
    target = tmp_path / "register.xlsx"
    import_export(sample_export_path(), target, parse_period(SAMPLE_PERIOD), settings=SAMPLE_SETTINGS)
    return target
