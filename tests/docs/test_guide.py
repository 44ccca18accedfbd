"""The user guide (mkdocs.yml, docs/): it builds strictly, and every picture has its alternative text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
HTML_PICTURE = re.compile(r'<img src="([^"]+)"[^>]*?alt="([^"]*)"')


def test_the_guide_builds_strictly(tmp_path):
    """`mkdocs build --strict`: a broken link, a missing anchor or a page left out of the nav fails."""
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
                             str(ROOT / "mkdocs.yml"), "-d", str(site)], capture_output=True, text=True, cwd=ROOT,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))  # Material's notice, not a warning
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "troubleshooting" / "index.html").is_file()


def pictures() -> list[tuple[Path, str, str]]:
    """Return (page, alternative text, picture) for every picture of the guide and the README."""
    found = []
    for page in [*DOCS.rglob("*.md"), ROOT / "README.md"]:
        text = page.read_text(encoding="utf-8")
        found += [(page, alt, target) for alt, target in PICTURE.findall(text)]
        found += [(page, alt, target) for target, alt in HTML_PICTURE.findall(text)]
    return found


def test_the_readme_shows_a_paper_page_and_the_workbook():
    shown = {target for page, _, target in pictures() if page.name == "README.md"}
    assert shown == {"docs/images/paper-first-page.png", "docs/images/workbook-register.png"}


def test_every_picture_has_alternative_text_and_exists():
    found = pictures()
    assert found, "the guide shows no picture"
    for page, alt, target in found:
        assert len(alt.split()) >= 4, f"{page.relative_to(ROOT)}: picture {target} needs alternative text"
        assert (page.parent / target).is_file(), f"{page.relative_to(ROOT)}: {target} does not exist"


def test_every_rendered_picture_is_shown():
    shown = {(page.parent / target).resolve() for page, _, target in pictures()}
    for png in (DOCS / "images").glob("*.png"):
        assert png.resolve() in shown, f"{png.name} is in docs/images but no page shows it"


def test_the_readme_stays_short():
    """The README says what riskreg is and where to read on; the rest is the guide's (at most 200 lines)."""
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200
