"""Work in a second thread: the caller waits for it when it needs the result, and gets its result or its error."""

import threading
import time

import pytest

from workbook.files.background import in_background


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
