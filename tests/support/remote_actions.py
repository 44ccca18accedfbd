"""Apply the actions xlwings' remote engine returns to a payload's values, as Excel's client would (values only)."""

from __future__ import annotations

import copy


def apply_actions(payload: dict, actions: list[dict]) -> dict:
    """Return a copy of `payload` with the value actions applied (setValues, addSheet, sheetDelete, sheetClear,
    setSheetVisibility).

    Fills, number formats, table sizes, alerts and callbacks change no value and are left out; any other action is refused, so a test
    notices when the server starts sending something this client does not know.
    """
    result = copy.deepcopy(payload)
    sheets = result["sheets"]
    for action in actions:
        func = action["func"]
        if func == "addSheet":
            sheets.insert(action["args"][0], {"name": action["args"][1], "values": [[""]], "pictures": [],
                                              "tables": []})
        elif func == "setSheetVisibility":
            sheets[action["sheet_position"]]["visibility"] = action["args"][0]
        elif func == "sheetDelete":
            del sheets[action["sheet_position"]]
        elif func in ("sheetClear", "sheetClearContents"):
            sheets[action["sheet_position"]]["values"] = [[""]]
        elif func == "setValues":
            grid = sheets[action["sheet_position"]]["values"]
            top, left = action["start_row"], action["start_column"]
            for i, row in enumerate(action["values"]):
                while len(grid) <= top + i:
                    grid.append([""] * len(grid[0]))
                target = grid[top + i]
                for j, value in enumerate(row):
                    width = max(len(r) for r in grid)
                    if left + j >= width:
                        for r in grid:
                            r.extend([""] * (left + j + 1 - len(r)))
                    target[left + j] = "" if value is None else value
        elif func in ("setRangeColors", "setRangeColor", "alert", "runMacro", "setNumberFormat", "resizeTable"):
            continue
        else:
            raise AssertionError(f"the test client does not apply action {func!r}")
    for sheet in sheets:  # keep every row as wide as the widest, as the add-in client sends it
        width = max(len(r) for r in sheet["values"])
        for r in sheet["values"]:
            r.extend([""] * (width - len(r)))
    return result


def values(payload: dict, sheet: str) -> list[list]:
    """Return the value grid of `sheet` in `payload`."""
    return next(s["values"] for s in payload["sheets"] if s["name"] == sheet)
