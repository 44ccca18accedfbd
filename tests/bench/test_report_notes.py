"""bench/report.py: the notes written by hand under RESULTS.md's marker survive a new run's rewrite."""

from __future__ import annotations

from bench.report import NOTES, with_notes


def test_a_rewrite_keeps_the_notes_below_the_marker():
    previous = f"# riskreg benchmark results\n\nold numbers\n\n{NOTES}\n\n## What made the difference\n\nthe appendix\n"
    assert with_notes("# riskreg benchmark results\n\nnew numbers\n", previous) == (
        f"# riskreg benchmark results\n\nnew numbers\n\n{NOTES}\n\n## What made the difference\n\nthe appendix\n")


def test_a_file_without_notes_is_rewritten_whole():
    assert with_notes("new\n", "old\n") == "new\n"
    assert with_notes("new\n", None) == "new\n"
