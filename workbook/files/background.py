"""Work in a second thread while this one goes on: for work that spends its time outside the GIL, or beside it."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


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


def consumed(items: Iterable[T], consume: Callable[[Iterator[T]], R], ahead: int = 1,
             name: str = "riskreg-consumer") -> Callable[[], R]:
    """Hand `items`, made in this thread, to `consume` running in a thread of its own, so that a consumer that
    spends its time outside the GIL (a compressor) goes on while this thread makes the next item and, once they
    are all handed over, goes on to other work; return the function that waits for what `consume` returned, or
    raises what it raised. An item is made only once the consumer has taken all but `ahead` of those before it (at
    most `ahead` + 1 in hand at once, the one being consumed included). What making the items raises is raised
    here, at once."""
    handed: queue.SimpleQueue[tuple[bool, T | None]] = queue.SimpleQueue()
    room = threading.Semaphore(ahead)
    gone = threading.Event()  # the consumer has stopped (returned or raised): nothing more is handed to it

    def given() -> Iterator[T]:
        while True:
            more, item = handed.get()
            room.release()
            if not more:
                return
            yield item  # type: ignore[misc]

    def run() -> R:
        try:
            return consume(given())
        finally:
            gone.set()

    finish = in_background(run, name)

    def wait_for_room() -> bool:
        while not room.acquire(timeout=0.1):
            if gone.is_set():
                return False
        return True

    made = iter(items)
    try:
        while wait_for_room():
            try:
                item = next(made)
            except StopIteration:
                break
            handed.put((True, item))
    finally:
        handed.put((False, None))  # the end (or, when making an item raised, the consumer let go)
    return finish
