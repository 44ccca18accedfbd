"""Singular and plural in the sentences riskreg writes: the one home of "1 risk" and "2 risks"."""

from __future__ import annotations

from collections.abc import Sized


def _number(count: float | Sized) -> float:
    return count if isinstance(count, (int, float)) else len(count)


def number_text(number: float) -> str:
    """Return a count as riskreg writes it: '18', '1,000' (GOV.UK style: a comma in numbers over 999), '2.5'."""
    return f"{number:,}" if isinstance(number, int) else f"{number:,g}"


def plural(count: float | Sized, singular: str, plural_form: str | None = None, *, with_count: bool = True) -> str:
    """Return '1 risk', '2 risks', '0 risks', '1,000 risks' (a sized `count` is counted); `plural_form` for
    irregular words ('1 entry', '2 entries'); `with_count=False` gives the word alone ('is' / 'are')."""
    number = _number(count)
    word = singular if number == 1 else (plural_form or _regular_plural(singular))
    return f"{number_text(number)} {word}" if with_count else word


def _regular_plural(singular: str) -> str:
    """Return the plural of the last word of `singular` by the regular English rules ('open risk' → 'open risks')."""
    head, _, last = singular.rpartition(" ")
    lower = last.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def is_are(count: int | Sized) -> str:
    """Return 'is' for one, 'are' for any other number."""
    return plural(count, "is", "are", with_count=False)


def them_it(count: int | Sized) -> str:
    """Return 'it' for one, 'them' for any other number."""
    return plural(count, "it", "them", with_count=False)
