"""Work in a second thread while this one goes on: for work that spends its time outside the GIL, or beside it."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
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


def produced(items: Iterable[T], depth: int = 4, name: str = "riskreg-producer") -> Iterator[T]:
    """Yield `items`, made in a thread of their own at most `depth` ahead of the consumer: so that work whose
    consumer spends its time outside the GIL (a compressor) goes on beside making the next items. What making
    them raises is raised here, where the item would have come."""
    handed: queue.Queue[tuple[bool, object]] = queue.Queue(depth)
    stop = threading.Event()

    def hand(entry: tuple[bool, object]) -> bool:  # False once the consumer has gone: never blocked for good
        while not stop.is_set():
            try:
                handed.put(entry, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def run() -> None:
        try:
            for item in items:
                if not hand((True, item)):
                    return
        except BaseException as err:  # noqa: BLE001 - handed to the consumer's thread, which raises it
            hand((False, err))
        else:
            hand((False, None))

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        while True:
            more, item = handed.get()
            if not more:
                if item is not None:
                    raise item  # type: ignore[misc]
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()  # a consumer that stops early lets the producer stop at its next item
