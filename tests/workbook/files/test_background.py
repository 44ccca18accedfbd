"""Work in a second thread: the caller waits for it when it needs the result, and gets its result or its error."""

import threading
import time

import pytest

from workbook.files.background import in_background, produced


def test_the_work_runs_beside_the_caller_and_finish_waits_for_it():
    started, done = threading.Event(), []

    def work():
        started.set()
        time.sleep(0.05)
        done.append(threading.current_thread().name)
        return len(done)

    finish = in_background(work, "riskreg-test")
    assert started.wait(5)  # running while the caller goes on
    assert finish() == 1  # what the work returned
    assert done == ["riskreg-test"]


def test_the_works_error_is_raised_in_the_callers_thread():
    def work():
        raise ModuleNotFoundError("No module named 'missing'")

    finish = in_background(work)
    with pytest.raises(ModuleNotFoundError, match="missing"):
        finish()


def test_produced_items_come_in_order_made_in_another_thread():
    makers = []

    def items():
        for number in range(10):
            makers.append(threading.current_thread().name)
            yield number

    assert list(produced(items(), depth=2, name="riskreg-maker")) == list(range(10))
    assert set(makers) == {"riskreg-maker"}


def test_what_making_the_items_raises_is_raised_where_the_next_item_would_come():
    def items():
        yield 1
        raise ValueError("word/document.xml: expected the appendix mark once")

    got = []
    with pytest.raises(ValueError, match="^word/document.xml: expected the appendix mark once$"):
        for item in produced(items()):
            got.append(item)
    assert got == [1]


def _counted(made: list, count: int = 1000):
    """Yield 0 .. count-1, noting each in `made` as it is made."""
    for number in range(count):
        made.append(number)
        yield number


def test_a_consumer_that_stops_early_lets_the_producer_stop():
    made = []
    for item in produced(_counted(made), depth=1):
        if item == 2:
            break
    time.sleep(0.05)
    assert len(made) < 10  # it stopped, a queue's depth or so after the last item taken
