"""`python -m bench.years`: a register kept for years: file size after each roll-over and the time of the last.

A synthetic register (bench/synthetic.py: 12 quarters of History, the sample's sentences) is rolled over 20
quarters in a row, a tenth of its risks rescored each quarter as a risk manager would; the row it prints goes into
bench/RESULTS.md by hand. Issue 24 asks that the first roll grow the file by under 20 %.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.prepare import write_synthetic_workbook


def _rescore(path: Path, rng: random.Random) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["Register"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row in rng.sample(range(2, sheet.max_row + 1), max(1, (sheet.max_row - 1) // 10)):
        sheet.cell(row=row, column=headers["Likelihood"]).value = rng.randint(1, 4)
    book.save(path)


def main(argv: list[str] | None = None) -> None:
    from workbook.core.periods import Period
    from workbook.jobs import roll_quarter
    from workbook.xlsx.reader import read_register

    parser = argparse.ArgumentParser(prog="python -m bench.years", description=__doc__)
    parser.add_argument("--risks", type=int, default=1000)
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--edit", action="store_true", help="rescore a tenth of the risks each quarter (openpyxl)")
    args = parser.parse_args(argv)
    rng = random.Random(2024)
    with tempfile.TemporaryDirectory(prefix="riskreg-years-") as folder:
        path = Path(folder) / "register.xlsx"
        write_synthetic_workbook(args.risks, path)
        sizes = [path.stat().st_size]
        period: Period = read_register(path).period
        seconds = 0.0
        for _ in range(args.quarters):
            if args.edit:
                _rescore(path, rng)
                sizes[-1] = path.stat().st_size
            period = period.next()
            start = time.perf_counter()
            roll_quarter(path, period, close_with_errors=True)  # measured: the roll, whatever the checks say
            seconds = time.perf_counter() - start
            sizes.append(path.stat().st_size)
            for backup in (Path(folder) / "riskreg backups").glob("*.xlsx"):
                backup.unlink()  # the backups are bounded elsewhere (issue 23): measured here is the register
    first = (sizes[1] - sizes[0]) / sizes[0]
    print(f"| {args.risks:,} risks, {args.quarters} roll-overs | {sizes[0] / 1e6:.2f} MB | first roll +{first:.0%} | "
          f"{sizes[-1] / 1e6:.2f} MB after {args.quarters} | last roll {seconds:.2f} s |")


if __name__ == "__main__":
    main()
