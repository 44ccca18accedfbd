"""Keep `python -m bench` working: run it at the smallest size, read back the table it writes; no timing asserted."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # bench/ is a tool beside the package, not installed with it

from bench import alternatives  # noqa: E402
from support import synthetic_register as synthetic  # noqa: E402

pytestmark = pytest.mark.slow  # runs the benchmark's every stage once: `-m "not slow"` leaves it out

# Every row the table must have, whatever the machine: (stage, implementation).
REQUIRED_ROWS = (
    ("read", "ours"), ("read", "openpyxl"), ("read", "python-calamine"), ("read", "python-calamine + our layout"),
    ("checks", "ours"), ("depth", "ours"), ("depth", "every rule"),
    ("depth", "every rule, no in-depth groups"), ("trends", "ours"),
    ("appendix", "ours"), ("appendix", "floor: string join + zip"), ("appendix", "lxml elements + zip"),
    ("appendix", "naive python-docx"), ("appendix", "python-docx table.cell(r, c)"),
    ("paper", "ours"),
    ("startup", "python -c pass"), ("startup", "riskreg --help"), ("startup", "riskreg validate"),
    ("startup", "riskreg paper"), ("startup", "import the paper's libraries only"),
)
TARGETS = ("ours ≤ 3× the floor", "faster than naive python-docx", "faster than pandoc", "(linear)",
           "peak memory < 600 MB", "< 2 s of process time", "import the libraries it uses",
           "≤ 1.5× python-calamine", "Checks, 10,000 risks", "Trends, 10,000 risks", "`riskreg --help` imports",
           "`riskreg validate` imports", "action count constant")


def _table_rows(text: str, heading: str) -> list[list[str]]:
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[1:]]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "RESULTS.md"
    done = subprocess.run([sys.executable, "-m", "bench", "--sizes", "20", "--repeat", "1", "--out", str(out),
                           "--workdir", str(folder / "work")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert done.stdout.strip().endswith(text.strip().splitlines()[-1])  # the table is printed too
    return text


def test_every_stage_has_its_row_and_the_numbers_parse(results):
    rows = {(row[0], row[1]): row for row in _table_rows(results, "Results") if row[2] == "20" or row[0] == "startup"}
    assert sorted(set(REQUIRED_ROWS) - set(rows)) == []
    for key in REQUIRED_ROWS:
        stage, name, risks, median, runs, peak, ratio, note = rows[key]
        assert float(median) > 0 and float(peak) > 0 and runs == "1", (key, rows[key])
    pandoc = next(row for row in _table_rows(results, "Results") if row[1] == "pandoc (HTML → docx)")
    assert float(pandoc[3]) > 0 if pandoc[3] != "—" else pandoc[7] == "pandoc not installed (apt-get install pandoc)"


def test_ours_is_compared_with_the_floor_and_alternatives_with_ours(results):
    rows = {(row[0], row[1]): row for row in _table_rows(results, "Results")}
    assert re.fullmatch(r"\d+\.\d\d× floor", rows[("appendix", "ours")][6])
    assert re.fullmatch(r"\d+\.\d\d× python-calamine", rows[("read", "ours")][6])
    assert re.fullmatch(r"\d+\.\d\d× ours", rows[("appendix", "naive python-docx")][6])
    assert re.fullmatch(r"\d+\.\d\d× import the paper's libraries only", rows[("startup", "riskreg paper")][6])


def test_the_report_states_every_target_the_machine_and_the_versions(results):
    verdicts = _table_rows(results, "Targets (issue 6)")
    for target in TARGETS:
        [row] = [row for row in verdicts if target in row[0]]
        assert row[2] in ("met", "not measured") or row[2].startswith("not met ("), row
    assert "Machine: " in results and " cores (" in results and "GB memory" in results
    assert re.search(r"python-docx \d+\.\d+", results) and re.search(r"openpyxl \d+\.\d+", results)
    commands = {row[0]: row[1] for row in _table_rows(results, "What each command imports")}
    assert commands["`riskreg --help`"] == "none"


def test_synthetic_text_has_the_lengths_and_bullets_the_issue_asks_for():
    from workbook.export.html_text import fragment_to_text

    made = synthetic.generate(200)
    rows = made.register[1:]
    assert len(rows) == 200 and len({row[0] for row in rows}) == 200
    assert 550 <= statistics.mean(len(row[2]) for row in rows) <= 700
    assert 1350 <= statistics.mean(len(row[4]) for row in rows) <= 1650
    bullets = [fragment_to_text(row[4]).count("• ") for row in rows]
    assert statistics.mean(bullets) >= 5 and min(bullets) >= 2
    assert {len([h for h in made.history[1:] if h[0] == row[0]]) for row in rows} <= set(range(1, 13))
    assert synthetic.generate(200).register == made.register  # same seed, same register


def test_the_in_depth_register_has_every_group_and_about_two_actions_per_risk(tmp_path):
    from collections import Counter

    from bench.measures import DEPTH_RULES, Inputs, _depth_checks, _depth_setup
    from bench.prepare import prepare
    from workbook.core.schema import DEPTH_COLUMNS

    inputs: Inputs = prepare(200, tmp_path, log=lambda _: None)
    state = _depth_setup(inputs)
    register = state[0]
    assert all(register.has_column(c.key) for c in DEPTH_COLUMNS)
    assert 1.7 <= len(register.actions) / len(register.risks) <= 2.3
    assert register.matrix_sheet and len(register.appetite) == 13
    found = Counter(f.rule_id for f in _depth_checks(state, tmp_path))
    assert set(found) <= set(DEPTH_RULES) and {"R034", "R036", "R042", "R044"} <= set(found)
    assert "R031" not in found and "R032" not in found  # the ratings and the Matrix sheet agree
    assert _depth_setup(inputs)[0].actions == register.actions  # same seed, same register


def test_the_floor_and_the_naive_build_write_the_same_table(tmp_path):
    from docx import Document

    from support.synthetic_register import write_synthetic_workbook
    from report_builder.content import build_content
    from workbook.xlsx.reader import read_register

    write_synthetic_workbook(5, tmp_path / "register.xlsx")
    content = build_content(read_register(tmp_path / "register.xlsx"))
    appendix = alternatives.Appendix(content.appendix_columns, content.appendix_rows)
    tables = {}
    for name, build in (("floor", alternatives.floor_string_join), ("naive", alternatives.naive_python_docx),
                        ("lxml", alternatives.lxml_elements)):
        build(appendix, tmp_path / f"{name}.docx")
        table = Document(str(tmp_path / f"{name}.docx")).tables[0]
        tables[name] = [[(p.text, p.style.name) for cell in row.cells for p in cell.paragraphs] for row in table.rows]
    assert tables["floor"] == tables["naive"] == tables["lxml"]
    assert len(tables["floor"]) == 6 and ("• " not in str(tables["floor"]))
    assert any(style == "List Bullet" for row in tables["floor"][1:] for _, style in row)
