"""Save a workbook the way Excel's Save does, from a process of its own: a new file renamed over the old one.

Run as `python excel_save.py REGISTER BASE SEED START`: waits START seconds, then saves 1 to 4 versions of BASE
(each its own file: `saved_version`) over REGISTER a few milliseconds apart, and prints how many it saved.
"""

from __future__ import annotations

import os
import random
import struct
import sys
import time
from pathlib import Path


def saved_version(data: bytes, k: int) -> bytes:
    """Return the workbook `data` as the saver's version `k`: the same package with its own zip comment."""
    end = data.rindex(b"PK\x05\x06")
    comment = f"saved by the saver, version {k}".encode()
    return data[:end + 20] + struct.pack("<H", len(comment)) + comment


def save_over(register: Path, base: bytes, seed: int, start: float) -> int:
    """Wait `start` seconds, save 1 to 4 versions of `base` over `register`; return how many were saved."""
    rng = random.Random(seed)
    versions = rng.randint(1, 4)
    time.sleep(start)
    for k in range(1, versions + 1):
        temp = register.with_name(f"saver {k}.tmp")
        with open(temp, "wb") as handle:
            handle.write(saved_version(base, k))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, register)
        time.sleep(rng.uniform(0, 0.03))
    return versions


if __name__ == "__main__":
    register, base, seed, start = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    print(save_over(register, base.read_bytes(), seed, start))
