"""guide/images.py: the guide's pictures show what the demo writes today (its pages' words and page counts)."""

from __future__ import annotations

import json

from guide.images import IMAGES, MAX_BYTES, PICTURES, RECORD, record, render_demo, words


def test_the_pictures_match_the_demo_as_it_is_rendered_now(tmp_path):
    """Render the demo again: each pictured page still says the same, in a document of as many pages."""
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    now = record(render_demo(tmp_path))
    for name, page in recorded.items():
        assert now[name] == page, (f"docs/images/{name}.png no longer shows the demo's output: run "
                                   "`python -m guide images` and look at the pictures.")
    assert set(now) == set(recorded)


def test_every_picture_is_there_and_small():
    for picture in PICTURES:
        png = IMAGES / f"{picture.name}.png"
        assert png.is_file(), f"{png.name} is missing: run `python -m guide images`"
        assert png.stat().st_size <= MAX_BYTES, f"{png.name} is {png.stat().st_size} bytes"


def test_words_mask_what_changes_from_run_to_run():
    assert words("Checked by riskreg on 07/12/2026 15:20.\nBuilt from register.xlsx, last modified 7 December "
                 "2026 15:20 UTC, SHA-256 f461c251c664.") == (
        "Checked by riskreg on ‹date›. Built from register.xlsx, last modified ‹date›, SHA-256 ‹digest›.")
