"""Work in a second thread while this one goes on: for work that spends its time outside the GIL, or beside it."""

from __future__ import annotations

import threading
from collections.abc import Callable


def in_background(work: Callable[[], None], name: str = "riskreg-background") -> Callable[[], None]:
    """Start `work` in a thread; return the function that waits for it and raises what it raised."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as err:  # noqa: BLE001 - handed to the caller's thread, which raises it
            failures.append(err)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def finish() -> None:
        thread.join()
        if failures:
            raise failures[0]
    return finish
