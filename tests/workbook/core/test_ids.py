"""Risk IDs in the natural order: numbers inside an ID compare as numbers."""

from workbook.core.ids import natural_key


def test_ids_sort_as_people_read_them():
    ids = ["1", "12", "15", "19", "20", "22", "4", "5"]
    assert sorted(ids, key=natural_key) == ["1", "4", "5", "12", "15", "19", "20", "22"]
    assert sorted(["SR10", "SR2", "sr1"], key=natural_key) == ["sr1", "SR2", "SR10"]
    assert sorted(["CRR10", "CRR2", "CRR1A", "CRR1"], key=natural_key) == ["CRR1", "CRR1A", "CRR2", "CRR10"]


def test_an_id_holding_a_superscript_sorts_without_raising():
    assert sorted(["CRR2", "²", "CRR²"], key=natural_key) == ["CRR2", "CRR²", "²"]
