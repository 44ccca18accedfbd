"""The paper's pictures: print resolution, register colours, the same bytes for the same data."""

import io

from PIL import Image

from report_builder import charts
from report_builder.content import Distribution, HeatPoint

DISTRIBUTION = (Distribution("2021/22 Q1", {"Critical": 0, "High": 9, "Medium": 4, "Low": 0}),
                Distribution("2021/22 Q2", {"Critical": 1, "High": 13, "Medium": 4, "Low": 0}))
POINTS = (HeatPoint("CRR02", (3, 4), (2, 4)), HeatPoint("CRR05", (2, 2)), HeatPoint("CRR11", (2, 2), (2, 3)))


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_rating_distribution_is_a_print_resolution_png_in_register_colours():
    png = charts.rating_distribution(DISTRIBUTION, width_cm=15)
    image = _image(png)
    assert image.format == "PNG"
    assert round(image.info["dpi"][0]) == charts.DPI
    assert abs(image.size[0] - 15 / 2.54 * charts.DPI) <= 1
    colours = {colour[:3] for _, colour in image.convert("RGB").getcolors(maxcolors=1_000_000)}
    assert (0xE0, 0x30, 0x1E) in colours  # High
    assert (0x8B, 0x00, 0x00) in colours  # Critical
    assert (0xFF, 0xBF, 0x00) in colours  # Medium


def test_pictures_carry_no_timestamp_or_software_and_repeat_byte_for_byte():
    first = charts.rating_distribution(DISTRIBUTION)
    assert first == charts.rating_distribution(DISTRIBUTION)
    assert charts.heat_map(POINTS, 5) == charts.heat_map(POINTS, 5)
    for png in (first, charts.heat_map(POINTS, 5)):
        assert b"tIME" not in png and b"Software" not in png and b"matplotlib" not in png


def test_heat_map_is_drawn_for_the_scale():
    image = _image(charts.heat_map(POINTS, 4, width_cm=12))
    assert abs(image.size[0] - 12 / 2.54 * charts.DPI) <= 1
    assert charts.heat_map(POINTS, 4) != charts.heat_map(POINTS, 5)
    # moving CRR02 back to where it was drops its arrow and changes the picture
    still = (HeatPoint("CRR02", (3, 4), (3, 4)),) + POINTS[1:]
    assert charts.heat_map(still, 5) != charts.heat_map(POINTS, 5)


def test_a_large_registers_heat_map_counts_risks_per_cell_instead_of_naming_them():
    def register(prefix, cells):
        return tuple(HeatPoint(f"{prefix}{n:04d}", cell, (1, 1)) for n, cell in enumerate(cells))

    cells = [(1 + n % 5, 1 + n % 3) for n in range(charts.LABELLED_RISKS + 40)]
    counted = charts.heat_map(register("CRR", cells), 5)
    assert counted == charts.heat_map(register("DEP", cells), 5)  # names and moves are not drawn, counts are
    assert counted != charts.heat_map(register("CRR", cells[:-1]), 5)
    named = register("CRR", cells[:charts.LABELLED_RISKS])
    assert charts.heat_map(named, 5) != charts.heat_map(register("DEP", cells[:charts.LABELLED_RISKS]), 5)
