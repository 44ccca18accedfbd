"""Drive the add-in's entry points through xlwings' remote engine: a payload from a real workbook in, actions out."""

from __future__ import annotations

import pytest
from support.remote_payload import payload_from_xlsx

from workbook.core.model import address


def open_remote(payload: dict):
    """Return the xw.Book the remote engine builds from `payload`."""
    import xlwings as xw

    return xw.Book(json=payload)


def sheet_names(payload: dict, actions: list[dict]) -> list[str]:
    """Return the sheet names by position after the actions' addSheet calls."""
    names = [sheet["name"] for sheet in payload["sheets"]]
    for action in actions:
        # The remote engine adds the sheet to the payload it was opened with, too: count it once.
        if action["func"] == "addSheet" and action["args"][1] not in names:
            names.insert(action["args"][0], action["args"][1])
    return names


def colours(payload: dict, actions: list[dict]) -> dict[str, str | None]:
    """Return address -> fill for every cell the actions colour (None: fill removed)."""
    names = sheet_names(payload, actions)
    result = {}
    for action in actions:
        if action["func"] != "setRangeColors":
            continue
        sheet = names[action["sheet_position"]]
        for i, row in enumerate(action["args"][0]):
            for j, colour in enumerate(row):
                if colour != "keep":
                    result[address(sheet, action["start_row"] + i + 1, action["start_column"] + j + 1)] = colour
    return result


def written(payload: dict, actions: list[dict]) -> dict[str, list[list]]:
    """Return sheet name -> values of every setValues action (with its top-left cell)."""
    names = sheet_names(payload, actions)
    return {names[a["sheet_position"]]: a for a in actions if a["func"] == "setValues"}


class Remote:
    """The helpers above, handed to tests by the `remote` fixture."""

    payload_from_xlsx = staticmethod(payload_from_xlsx)
    open = staticmethod(open_remote)
    sheet_names = staticmethod(sheet_names)
    colours = staticmethod(colours)
    written = staticmethod(written)


@pytest.fixture
def remote(monkeypatch) -> Remote:
    """Enable xlwings' remote engine for this test only (PolyForm Noncommercial licence key) and return helpers."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings

    if "remote" not in xlwings.engines.engines_by_name:
        # xlwings checks the key when first imported; another test imported it before the key was set.
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        monkeypatch.setitem(xlwings.engines.engines_by_name, "remote", Engine(impl=_xlremote.engine))
    return Remote()
