"""What a test compares before and after a write: every cell value, and the structure that must survive."""

from openpyxl import load_workbook


def values(path):
    """Return every non-empty cell value of every sheet: {sheet: {coordinate: value}}."""
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def structure(path):
    """Return what must survive a write: tables, drop-down lists, conditional formats and defined names."""
    wb = load_workbook(path)
    return {
        "names": {name: dn.attr_text for name, dn in wb.defined_names.items()},
        "sheets": {ws.title: {
            "tables": {name: ws.tables[name].ref for name in ws.tables},
            "validations": sorted((dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation),
            "formats": sorted((str(cf.sqref), rule.operator, tuple(rule.formula))
                              for cf in ws.conditional_formatting for rule in cf.rules),
        } for ws in wb.worksheets},
    }


def edit(path, change):
    wb = load_workbook(path, rich_text=True)
    change(wb)
    wb.save(path)
