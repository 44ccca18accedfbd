"""The rating scale read from the Lists sheet: order, severity and colours for bands riskreg does not know."""

from workbook.core.ratings import scale_of, text_colour


def test_known_bands_keep_their_colours_and_severity_follows_the_order():
    scale = scale_of(["Critical", "High", "Medium", "Low"])
    assert [(r.name, r.severity, r.fill, r.font) for r in scale] == [
        ("Critical", 4, "8B0000", "FFFFFF"), ("High", 3, "C62828", "FFFFFF"), ("Medium", 2, "FFBF00", "000000"),
        ("Low", 1, "2E7D32", "FFFFFF")]


def test_unknown_bands_take_a_colour_from_their_place():
    scale = scale_of(["Very High", "High", "Significant", "Medium", "Low", "Very Low"])
    fills = {r.name: r.fill for r in scale}
    assert fills["Very High"] == "8B1C1C"  # High darkened by 30 %
    assert fills["Significant"] == "E27414"  # half way from High (C62828) to Medium (FFBF00)
    assert fills["Very Low"] == "6DA470"  # Low lightened by 30 %
    assert [r.severity for r in scale] == [6, 5, 4, 3, 2, 1]


def test_a_scale_of_new_names_runs_red_to_green_and_text_contrasts():
    scale = scale_of(["Severe", "Moderate", "Minor"])
    assert [r.fill for r in scale] == ["8B0000", "E27414", "2E7D32"]
    assert text_colour("FFFFFF") == "000000" and text_colour("000000") == "FFFFFF"
