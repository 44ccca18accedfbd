"""Work in a second thread while this one goes on: for work that spends its time outside the GIL, or beside it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_background(work: Callable[[], T], name: str = "riskreg-background") -> Callable[[], T]:
    """Start `work` in a thread; return the function that waits for it and returns what it returned, or raises
    what it raised."""
    results: list[T] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as err:  # noqa: BLE001 - handed to the caller's thread, which raises it
            failures.append(err)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def finish() -> T:
        thread.join()
        if failures:
            raise failures[0]
        return results[0]
    return finish
