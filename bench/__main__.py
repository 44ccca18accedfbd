"""`python -m bench`: measure every stage against its alternatives and write bench/RESULTS.md."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from bench import report
from bench.actions import action_counts
from bench.harness import Result, measure_all, run_child
from bench.measures import MEASURE_BY_KEY, MEASURES, PROFILED
from bench.prepare import SAMPLE, describe, prepare
from bench.startup import command_imports
from workbook.files.atomic import write_text_atomic

HERE = Path(__file__).resolve().parent
SIZES = (20, 1000, 10000)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="register sizes (risks)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is reported")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the Markdown")
    parser.add_argument("--workdir", type=Path, default=HERE / "out", help="cached inputs and scratch output")
    parser.add_argument("--only", default="", help="measure only keys containing this text, e.g. appendix/")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached input workbooks")
    parser.add_argument("--profile", metavar="KEY", help="print a cProfile of one measurement, e.g. appendix/ours")
    parser.add_argument("--report-only", action="store_true",
                        help="write the Markdown again from the last run's numbers (workdir/last-run.json)")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _profile(args: argparse.Namespace) -> None:
    chosen = MEASURE_BY_KEY.get(args.profile)
    if chosen is None:
        sys.exit(f"Error: no measurement {args.profile!r}; choose one of: {', '.join(MEASURE_BY_KEY)}")
    for size in ([SAMPLE] if chosen.on_sample else args.sizes):
        inputs = prepare(size, args.workdir, fresh=args.fresh, log=_log)
        _log(f"--- {chosen.key} at {size} ---")
        print(json.dumps(run_child(chosen, inputs, size, args.workdir / "scratch", profile=True)))


def _compile_project() -> None:
    """Write our modules' bytecode, as pip does for installed packages: a user's second run reads it, and
    PYTHONDONTWRITEBYTECODE (set on some machines) would otherwise make every measured process compile them."""
    import compileall

    root = HERE.parent
    for package in ("workbook", "report_builder", "addin", "templates", "bench"):
        compileall.compile_dir(root / package, quiet=1)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    _compile_project()
    if args.profile:
        _profile(args)
        return
    if args.report_only:
        _write(json.loads((args.workdir / LAST_RUN).read_text()), args.out)
        return
    started, clock = dt.datetime.now(dt.timezone.utc), time.perf_counter()
    scratch = args.workdir / "scratch"
    chosen = [m for m in MEASURES if args.only in m.key]
    results: list[Result] = []
    described: dict = {}
    sample = prepare(SAMPLE, args.workdir, fresh=args.fresh, log=_log)
    _log("probing what each command imports …")
    imports = command_imports(sample, scratch)
    for size in args.sizes:
        inputs = prepare(size, args.workdir, fresh=args.fresh, log=_log)
        described[size] = describe(inputs)
        _log(f"{size:,} risks:")
        results += measure_all([m for m in chosen if not m.on_sample], inputs, size, args.repeat, scratch, _log)
    _log("sample:")
    described[SAMPLE] = describe(sample)
    results += measure_all([m for m in chosen if m.on_sample], sample, SAMPLE, args.repeat, scratch, _log)
    profiles = {}
    profile_size = 1000 if 1000 in args.sizes else max(args.sizes)
    for key in PROFILED:
        chosen_measure = MEASURE_BY_KEY[key]
        if args.only in key and not chosen_measure.missing():
            _log(f"profiling {key} @ {profile_size} …")
            found = run_child(chosen_measure, prepare(profile_size, args.workdir, log=_log), profile_size,
                              scratch, profile=True, quiet=True)
            profiles[key] = found.get("hotspots") or {"error": found.get("error", "no profile")}
    _log("add-in action counts …")
    actions = action_counts(args.sizes, args.workdir)
    command = "python -m bench" + (" " + " ".join(sys.argv[1:]) if argv is None and sys.argv[1:] else "")
    run = {"results": [r.as_dict() for r in results], "imports": imports, "actions": actions, "profiles": profiles,
           "profile_size": profile_size, "started": started.isoformat(), "seconds": time.perf_counter() - clock,
           "command": command, "inputs": {str(k): v for k, v in described.items()}, "repeat": args.repeat,
           "machine": report.machine()}
    (args.workdir / LAST_RUN).write_text(json.dumps(run, indent=1))
    _write(run, args.out)


LAST_RUN = "last-run.json"


def _write(run: dict, out: Path) -> None:
    inputs = {int(k) if k.isdigit() else k: v for k, v in run["inputs"].items()}
    text = report.write([Result.from_dict(r) for r in run["results"]], run["imports"], run["actions"],
                        profiles=run["profiles"], profile_size=run["profile_size"],
                        started=dt.datetime.fromisoformat(run["started"]), seconds=run["seconds"],
                        command=run["command"], inputs=inputs, repeat=run["repeat"], facts=run["machine"])
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = report.with_notes(text, out.read_text(encoding="utf-8") if out.is_file() else None)
    write_text_atomic(out, text)
    _log(f"wrote {out}")


if __name__ == "__main__":
    main()
