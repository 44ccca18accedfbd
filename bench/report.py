"""Turn the results into bench/RESULTS.md: the numbers side by side, then the issue's targets against them."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata

from bench.harness import Result
from bench.measures import FLOOR, OURS, STAGE_BY_KEY, STAGES

PACKAGES = ("openpyxl", "python-calamine", "python-docx", "docxtpl", "lxml", "XlsxWriter", "pandas",
            "xlwings", "click")
NOT_RUN = "—"


def _memory_gb() -> str:
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        return f"{kib / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration, ValueError):
        return "unknown"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _pandoc_version() -> str:
    if not shutil.which("pandoc"):
        return "not installed"
    done = subprocess.run(["pandoc", "--version"], capture_output=True, text=True)
    return done.stdout.splitlines()[0].split()[-1] if done.returncode == 0 and done.stdout else "unknown"


def machine() -> dict[str, str]:
    """Return the facts a reader needs to compare these numbers with theirs."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return {
        "cores": str(os.cpu_count()), "cpu": _cpu_model(), "memory": _memory_gb(), "load": load,
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "packages": ", ".join(f"{p} {_version(p)}" for p in PACKAGES) + f", pandoc {_pandoc_version()}",
    }


def _size_label(size: int | str) -> str:
    return f"{size:,}" if isinstance(size, int) else "18 (sample)"


def _find(results: Sequence[Result], stage: str, name: str, size: int | str) -> Result | None:
    return next((r for r in results if r.stage == stage and r.name == name and r.size == size and r.ok), None)


def _ours(results: Sequence[Result], stage: str, size: int | str) -> Result | None:
    return next((r for r in results if r.stage == stage and r.role == OURS and r.size == size and r.ok), None)


def _ratio(result: Result, results: Sequence[Result]) -> str:
    """Return ours ÷ yardstick on our rows, alternative ÷ ours on alternatives' rows, nothing on yardsticks'."""
    from bench.measures import MEASURE_BY_KEY

    if not result.ok or result.role == FLOOR:
        return ""
    if result.role == OURS:
        measure = MEASURE_BY_KEY.get(f"{result.stage}/{result.name}")
        baseline = (measure.baseline if measure else None) or STAGE_BY_KEY[result.stage].baseline
        base = _find(results, result.stage, baseline, result.size) if baseline else None
        return f"{result.median / base.median:.2f}× {baseline.split(':')[0]}" if base else ""
    measure = MEASURE_BY_KEY.get(f"{result.stage}/{result.name}")
    if measure and measure.baseline:  # an alternative to one of several of our rows in the stage
        base = _find(results, result.stage, measure.baseline, result.size)
        return f"{result.median / base.median:.2f}× {measure.baseline}" if base else ""
    ours = _ours(results, result.stage, result.size)
    return f"{result.median / ours.median:.2f}× ours" if ours else ""


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def results_table(results: Sequence[Result]) -> list[str]:
    """Return the Markdown rows: stage, implementation, risks, median s, runs, peak MB, ratio, note."""
    lines = ["| Stage | Implementation | Risks | Median s | Runs | Peak MB | Ratio | Note |",
             "|---|---|---:|---:|---:|---:|---|---|"]
    for stage in STAGES:
        for result in (r for r in results if r.stage == stage.key):
            if result.ok:
                cells = [_seconds(result.median), str(len(result.seconds)), f"{result.peak:.0f}",
                         _ratio(result, results), result.note]
            else:
                cells = [NOT_RUN, "0", NOT_RUN, "", result.skipped or f"FAILED: {result.error}"]
            lines.append(f"| {stage.key} | {result.name} | {_size_label(result.size)} | " + " | ".join(cells) + " |")
    return lines


@dataclass
class Verdict:
    target: str
    measured: str
    verdict: str  # met | not met | not measured
    limit: str = ""


def _per_risk_growth(big: Result, small: Result) -> float:
    return (big.median / int(big.size)) / (small.median / int(small.size))


def _not_measured(target: str, why: str) -> Verdict:
    return Verdict(target, NOT_RUN, "not measured", why)


def _hot(profiles: dict[str, dict] | None, key: str, kind: str = "ours", count: int = 3) -> str:
    """Return the top functions of a profiled measurement, e.g. 'workbook.core.trends.snapshots ×4 69%'."""
    found = (profiles or {}).get(key, {})
    if kind not in found:
        return ""
    def short(name: str) -> str:
        return name if name.startswith("<") else name.split(".", 1)[-1]

    return "; ".join(f"{short(name)} ×{calls:,} {share:.0%}" for name, calls, share in found[kind][:count])


PAPER_10K_BEFORE, PAPER_10K_BEFORE_MB = 8.5, 402  # `riskreg paper` at 10,000 risks with matplotlib's charts


def targets(results: Sequence[Result], imports: dict[str, dict], actions: dict | None,
            profiles: dict[str, dict] | None = None) -> list[Verdict]:
    """Return the issue's targets, each against this run's numbers."""
    verdicts: list[Verdict] = []
    need_1k, need_10k = "needs a run at 1,000 risks (--sizes 1000)", "needs runs at 1,000 and 10,000 risks"

    def get(stage: str, name: str, size: int | str) -> Result | None:
        return _find(results, stage, name, size)

    ours_1k, floor_1k = get("appendix", "ours", 1000), get("appendix", "floor: string join + zip", 1000)
    lxml_1k = get("appendix", "lxml elements + zip", 1000)
    target = "Appendix table, 1,000 risks: ours ≤ 3× the floor"
    if ours_1k and floor_1k:
        ratio = ours_1k.median / floor_1k.median
        limit = ""
        if ratio > 3:
            limit = f"ours takes {ours_1k.median - floor_1k.median:.2f} s more than the floor"
            if lxml_1k:
                limit += (f"; lxml itself, element by element, takes {lxml_1k.median / floor_1k.median:.1f}× the "
                          "floor (a prepared paragraph deep-copied per cell allows about 2×)")
            if _hot(profiles, "appendix/ours", "own"):
                limit += f"; cProfile, own time: {_hot(profiles, 'appendix/ours', 'own')}"
        verdicts.append(Verdict(target, f"{ours_1k.median:.3f} s vs {floor_1k.median:.3f} s = {ratio:.2f}×",
                                _verdict(ratio <= 3, ratio / 3, "over"), limit))
    else:
        verdicts.append(_not_measured(target, need_1k))
    for name, label in (("naive python-docx", "naive python-docx"), ("pandoc (HTML → docx)", "pandoc")):
        target = f"Appendix table, 1,000 risks: ≥ 10× faster than {label}"
        other = get("appendix", name, 1000)
        if ours_1k and other:
            ratio = other.median / ours_1k.median
            measured = f"{label} {other.median:.2f} s / ours {ours_1k.median:.3f} s = {ratio:.1f}×"
            verdicts.append(Verdict(target, measured,
                                    _verdict(ratio >= 10, 10 / ratio, "short")))
        else:
            why = next((r.skipped for r in results if r.stage == "appendix" and r.name == name and r.skipped), "")
            verdicts.append(_not_measured(target, why or need_1k))
    ours_10k = get("appendix", "ours", 10000)
    target = "Appendix table, 10,000 risks: time per risk ≤ 1.3× that at 1,000 (linear)"
    if ours_1k and ours_10k:
        growth = _per_risk_growth(ours_10k, ours_1k)
        verdicts.append(Verdict(target, f"{ours_10k.median:.2f} s at 10,000 vs {ours_1k.median:.3f} s at 1,000: "
                                        f"{growth:.2f}× per risk", _verdict(growth <= 1.3, growth / 1.3, "over")))
        target = "Appendix table, 10,000 risks: peak memory < 600 MB"
        floor_10k = get("appendix", "floor: string join + zip", 10000)
        loaded = max(ours_10k.setup_mb)
        limit = ""
        if ours_10k.peak >= 600:
            limit = (f"the loaded paper content and libraries take {loaded:.0f} MB before the table is built; "
                     f"python-docx's lxml tree and saving add {ours_10k.peak - loaded:.0f} MB "
                     f"({(ours_10k.peak - loaded) * 1024 / 10000:.0f} KB per risk)")
            if floor_10k:
                limit += f"; the floor's process peaks at {floor_10k.peak:.0f} MB"
        verdicts.append(Verdict(target, f"{ours_10k.peak:.0f} MB (whole process, input included)",
                                _verdict(ours_10k.peak < 600, ours_10k.peak / 600, "over"), limit))
    else:
        verdicts.append(_not_measured(target, need_10k))
        verdicts.append(_not_measured("Appendix table, 10,000 risks: peak memory < 600 MB", need_10k))

    paper_1k = get("paper", "ours", 1000)
    target = "Whole paper, 1,000 risks: < 2 s of process time"
    if paper_1k:
        limit = ""
        if paper_1k.median >= 2:
            parts = []
            for stage, name, label in (("startup", "import the paper's libraries only", "imports"),
                                       ("read", "ours", "reading"), ("checks", "ours", "checks"),
                                       ("trends", "ours", "trends"), ("appendix", "ours", "appendix")):
                part = get(stage, name, "sample" if stage == "startup" else 1000)
                if part:
                    parts.append(f"{label} {part.median:.2f} s")
            limit = "where it goes (separate measurements): " + ", ".join(parts)
            if _hot(profiles, "paper/in-process"):
                limit += f"; cProfile of the paper in one process: {_hot(profiles, 'paper/in-process', count=5)}"
        verdicts.append(Verdict(target, f"{paper_1k.median:.2f} s wall, {paper_1k.median_cpu:.2f} s CPU",
                                _verdict(paper_1k.median < 2, paper_1k.median / 2, "over"), limit))
    else:
        verdicts.append(_not_measured(target, need_1k))
    floor_1k = get("paper", "floor: python process, string join + zip", 1000)
    target = "Whole paper, 1,000 risks: ≤ 3× the floor process (issue 15)"
    if paper_1k and floor_1k:
        ratio = paper_1k.median / floor_1k.median
        verdicts.append(Verdict(target, f"{paper_1k.median:.2f} s vs {floor_1k.median:.2f} s = {ratio:.2f}×",
                                _verdict(ratio <= 3, ratio / 3, "over")))
    else:
        verdicts.append(_not_measured(target, need_1k))
    paper_10k = get("paper", "ours", 10000)
    target = (f"Whole paper, 10,000 risks: no slower than before issue 15 ({PAPER_10K_BEFORE} s, "
              f"{PAPER_10K_BEFORE_MB} MB, run of 26 Nov 2026)")
    if paper_10k:
        verdicts.append(Verdict(target, f"{paper_10k.median:.1f} s, {paper_10k.peak:.0f} MB",
                                _verdict(paper_10k.median <= PAPER_10K_BEFORE * 1.1,
                                         paper_10k.median / PAPER_10K_BEFORE, "over")))
    else:
        verdicts.append(_not_measured(target, need_10k))
    paper_s, light_s = get("startup", "riskreg paper", "sample"), get("startup", "import docx, lxml, jinja2", "sample")
    target = "Whole paper, 18-risk sample: ≤ 1.3× `python -c \"import docx, lxml, jinja2\"` (issue 15)"
    if paper_s and light_s:
        ratio = paper_s.median / light_s.median
        verdicts.append(Verdict(target, f"{paper_s.median:.2f} s vs {light_s.median:.2f} s = {ratio:.2f}×",
                                _verdict(ratio <= 1.3, ratio / 1.3, "over")))
    else:
        verdicts.append(_not_measured(target, "riskreg paper not available"))
    paper_s, imports_s = get("startup", "riskreg paper", "sample"), get("startup", "import the paper's libraries only",
                                                                        "sample")
    target = "Whole paper, 18-risk sample: ≤ 1.5× the time to import the libraries it uses"
    if paper_s and imports_s:
        ratio = paper_s.median / imports_s.median
        verdicts.append(Verdict(target, f"{paper_s.median:.2f} s vs {imports_s.median:.2f} s = {ratio:.2f}×",
                                _verdict(ratio <= 1.5, ratio / 1.5, "over")))
    else:
        verdicts.append(_not_measured(target, "riskreg paper not available"))

    read_10k, calamine_10k = get("read", "ours", 10000), get("read", "python-calamine", 10000)
    target = "Reading, 10,000 risks: ≤ 1.5× python-calamine"
    if read_10k and calamine_10k:
        ratio = read_10k.median / calamine_10k.median
        limit = ""
        openpyxl_10k = get("read", "openpyxl", 10000)
        layout_10k = get("read", "python-calamine + our layout", 10000)
        if ratio > 1.5:
            limit = (f"python-calamine reads the file in {calamine_10k.median:.2f} s; ours spends "
                     f"{read_10k.median - calamine_10k.median:.2f} s more")
            own = _hot(profiles, "read/ours", "own")
            spent_in = [name for name, *_ in (profiles or {}).get("read/ours", {}).get("own", [])]
            if any(name.startswith("openpyxl.") for name in spent_in) and openpyxl_10k:
                limit += (f"; openpyxl is the limit: it alone takes {openpyxl_10k.median:.2f} s "
                          f"({openpyxl_10k.median / calamine_10k.median:.1f}× calamine)")
            if layout_10k:
                limit += (f"; python-calamine + our layout takes {layout_10k.median:.2f} s "
                          f"({layout_10k.median / calamine_10k.median:.2f}× calamine)")
            if own:
                limit += f"; cProfile at 1,000: {_hot(profiles, 'read/ours', count=3)}; own time: {own}"
        verdicts.append(Verdict(target, f"{read_10k.median:.2f} s vs {calamine_10k.median:.2f} s = {ratio:.1f}×",
                                _verdict(ratio <= 1.5, ratio / 1.5, "over"), limit))
    else:
        verdicts.append(_not_measured(target, "needs a run at 10,000 risks"))
    for stage in ("checks", "trends"):
        small, big = get(stage, "ours", 1000), get(stage, "ours", 10000)
        target = f"{stage.capitalize()}, 10,000 risks: linear (≤ 1.3× per risk of 1,000) and < 1 s"
        if small and big:
            growth = _per_risk_growth(big, small)
            ok = growth <= 1.3 and big.median < 1
            how = max(growth / 1.3, big.median / 1)
            verdicts.append(Verdict(target, f"{big.median:.3f} s at 10,000, {growth:.2f}× per risk of 1,000",
                                    _verdict(ok, how, "over"),
                                    "" if ok else f"our code, not a library; cProfile at 1,000: "
                                                  f"{_hot(profiles, f'{stage}/ours', count=4)}"))
        else:
            verdicts.append(_not_measured(target, need_10k))

    for command in ("riskreg --help", "riskreg validate"):
        target = f"`{command}` imports none of pandas, matplotlib, docx"
        found = imports.get(command, {})
        if "heavy" in found:
            bad = [h for h in found["heavy"] if h in ("pandas", "matplotlib", "docx", "docxtpl")]
            startup = get("startup", command, "sample")
            shown = f"{startup.median:.2f} s; " if startup else ""
            verdicts.append(Verdict(target, shown + "imports " + (", ".join(found["heavy"]) or "no heavy library"),
                                    "met" if not bad else f"not met ({', '.join(bad)})"))
        else:
            verdicts.append(_not_measured(target, found.get("error", "command not available")))

    target = "Excel add-in: action count constant in the number of risks and findings"
    sizes_counted = {key.split(" @ ")[1] for key in (actions or {}).get("counts", {})}
    if actions and len(sizes_counted) > 1:
        counts = actions["counts"]
        shown = ", ".join(f"{k}: {v}" for k, v in counts.items())
        ok = actions.get("constant", False)
        verdicts.append(Verdict(target, shown, "met" if ok else "not met", "" if ok else actions.get("note", "")))
    else:
        why = (actions or {}).get("note") if actions and not actions.get("counts") else "needs two sizes or more"
        verdicts.append(_not_measured(target, why or "addin.ribbon.entry not available"))
    return verdicts


WRITE_TARGETS = (  # issue 23: (our row, its yardstick, the most ours may take, whose register, at which size only,
    #                  whether peak memory is held to the same limit)
    ("validate --write", "validate --json", 2.0, "the register", None, False),
    ("trends --write", "validate --json", 2.0, "the register", None, False),
    ("validate --write, many findings", "validate --json, many findings", 3.0, "its copy with every review lapsed",
     None, False),
    ("roll-quarter", "validate --json", 2.0, "the register", 10_000, True),
)


def write_targets(results: Sequence[Result], inputs: dict | None = None) -> list[Verdict]:
    """Return issue 23's targets for the writing commands, at every size the run measured them (or the one size a
    target names)."""
    verdicts = []
    for name, yardstick, limit, register, at, memory in WRITE_TARGETS:
        sizes = {r.size for r in results if r.stage == "write" and r.name == name and isinstance(r.size, int)}
        for size in sorted(sizes if at is None else sizes & {at}):
            ours, base = _find(results, "write", name, size), _find(results, "write", yardstick, size)
            findings = (inputs or {}).get(size, {}).get("lapsed_findings") if "many" in name else None
            held = " in time and in peak memory" if memory else ""
            target = (f"Writing, {_size_label(size)} risks{f' ({findings:,} findings)' if findings else ''}: "
                      f"`{name.split(',')[0]}` ≤ {limit:g}× `{yardstick.split(',')[0]}` on {register}{held}")
            if ours and base:
                ratio = ours.median / base.median
                cpu = ours.median_cpu / base.median_cpu if base.median_cpu else 0
                peak = ours.peak / base.peak if memory and base.peak else 0
                worst = max(ratio, peak)
                verdicts.append(Verdict(target, f"{ours.median:.2f} s vs {base.median:.2f} s = {ratio:.2f}× "
                                                f"(CPU {cpu:.2f}×; peak {ours.peak:.0f} MB vs {base.peak:.0f} MB"
                                                f"{f' = {peak:.2f}×' if memory else ''})",
                                        _verdict(worst <= limit, worst / limit, "over")))
            else:
                verdicts.append(_not_measured(target, "not taken in this run"))
    return verdicts


def _verdict(ok: bool, factor: float, word: str) -> str:
    return "met" if ok else f"not met ({factor:.1f}× {word})"


def profile_lines(profiles: dict[str, dict], size: int) -> list[str]:
    """Return the 'where our time goes' table: our functions by share of the time, and the costliest functions."""
    lines = ["| Measurement | Our functions (share of the time, cumulative) | Costliest functions (own time) |",
             "|---|---|---|"]
    for key, found in profiles.items():
        if "error" in found:
            lines.append(f"| {key} | profile failed: {found['error']} | |")
            continue
        ours = "; ".join(f"{name} ×{calls:,} {share:.0%}" for name, calls, share in found["ours"])
        own = "; ".join(f"{name} ×{calls:,} {share:.0%}" for name, calls, share in found["own"])
        lines.append(f"| {key} | {ours} | {own} |")
    return ["", f"## Where our time goes (cProfile, {size:,} risks)", "",
            "Shares of the profiled run (profiling slows Python code more than C code, so read them as proportions). "
            "Re-run one with `python -m bench --profile KEY --sizes 1000`.", "", *lines]


NOTES = "<!-- notes: written by hand below this line; `python -m bench` keeps them when it rewrites the file -->"


def with_notes(text: str, previous: str | None) -> str:
    """Return the new RESULTS.md `text` followed by the hand-written notes of the `previous` file, if it had any."""
    if not previous or NOTES not in previous:
        return text
    return text.rstrip("\n") + "\n\n" + previous[previous.index(NOTES):]


def write(results: Sequence[Result], imports: dict[str, dict], actions: dict | None, *,
          profiles: dict[str, dict] | None = None, profile_size: int = 1000, started: dt.datetime,
          seconds: float, command: str, inputs: dict[str, dict], repeat: int, facts: dict[str, str]) -> str:
    """Return RESULTS.md."""
    lines = [
        "# riskreg benchmark results", "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `{command}` ({seconds / 60:.1f} min in all).  ",
        f"Machine: {facts['cores']} cores ({facts['cpu']}), {facts['memory']} memory, {facts['os']}; "
        f"load average at the end {facts['load']} (the machine is shared, so expect some noise).  ",
        f"Python {facts['python']}; {facts['packages']}.", "",
        "Inputs (synthetic registers written with `workbook.xlsx.builder`, text cut from the sample's own sentences: "
        "descriptions ~600 characters, controls ~1,500 characters in ~7 bullets, 12 periods of History):", "",
    ]
    for size, described in inputs.items():
        lines.append(f"- {_size_label(size)} risks: {described['history_rows']:,} History rows, "
                     f"{described['xlsx_bytes'] / 1024:,.0f} KB .xlsx"
                     + (f"; its copy with every review lapsed (the many-findings rows): "
                        f"{described['lapsed_findings']:,} findings" if "lapsed_findings" in described else ""))
    lines += [
        "", "## Results", "",
        f"Median wall-clock seconds of {repeat} run{'s' if repeat != 1 else ''}, each in a fresh process, the "
        "implementations of a size taken in turn so that they share the machine's load; slow alternatives run once above 1,000 risks "
        "(Runs column). In-process stages are timed after their input is loaded and their libraries imported "
        "(import costs are under startup); paper, pandoc and startup rows time the whole process. Peak MB is "
        "that process's peak resident memory (VmHWM, or the command's `ru_maxrss`), input included. Ratio: ours "
        "÷ the stage's yardstick on our rows; alternative ÷ ours on the others.", "",
        *(f"- **{stage.key}**: {stage.title}" for stage in STAGES), "",
        *results_table(results), "",
        "## Targets (issue 6)", "",
        "| Target | Measured | Verdict | Limit (when not met) |", "|---|---|---|---|",
        *(f"| {v.target} | {v.measured} | {v.verdict} | {v.limit} |"
          for v in [*targets(results, imports, actions, profiles), *write_targets(results, inputs)]),
        "", "## What each command imports", "",
        "Third-party packages loaded by the command, from a fresh interpreter (`python -X importtime`); a package's "
        "time includes what it imports first (openpyxl pulls in numpy and PIL when they are installed).", "",
        "| Command | Heavy libraries imported | Their import time (ms, cumulative) |", "|---|---|---|",
    ]
    for command, found in imports.items():
        if "heavy" in found:
            times = ", ".join(f"{k} {v:.0f}" for k, v in sorted(found["import_ms"].items(), key=lambda kv: -kv[1]))
            lines.append(f"| `{command}` | {', '.join(found['heavy']) or 'none'} | {times or '—'} |")
        else:
            lines.append(f"| `{command}` | {NOT_RUN} | {found.get('error', '')} |")
    if profiles:
        lines += profile_lines(profiles, profile_size)
    if actions:
        lines += ["", "## Excel add-in actions (xlwings remote engine)", "", actions.get("table", "")]
    lines += [
        "", "## Reproduce", "",
        "From the checkout, with the project's virtual environment (`python3 dev.py bench` does the same):", "",
        "```", "python -m bench                        # 20, 1,000 and 10,000 risks, 5 runs each (~10 min on 2 cores)",
        "python -m bench --sizes 20 --repeat 1  # smoke run, as CI does (under a minute)",
        "python -m bench --sizes 1000 --only appendix/           # one stage with its alternatives",
        "python -m bench --profile appendix/ours --sizes 1000    # cProfile of one measurement",
        "python -m bench --report-only          # rewrite this file from the last run's numbers", "```", "",
        "Inputs are cached in `bench/out/` (rebuilt when the generator or the workbook code changes).", "",
    ]
    return "\n".join(lines)
