"""Every measurement the benchmark takes, declared as data: stage, implementation, what it needs, what it runs."""

from __future__ import annotations

import pickle
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import alternatives, process

OURS, ALTERNATIVE, FLOOR = "ours", "alternative", "floor"


@dataclass(frozen=True)
class Inputs:
    """Where a size's prepared inputs are; children load only what their measurement needs."""

    folder: Path
    size: int

    @property
    def xlsx(self) -> Path:
        return self.folder / "register.xlsx"

    @property
    def lapsed_xlsx(self) -> Path:
        """The same register with every risk's review lapsed: a finding on every risk besides the others."""
        return self.folder / "register-lapsed.xlsx"

    def register(self):
        return pickle.loads((self.folder / "register.pickle").read_bytes())

    def content(self):
        return pickle.loads((self.folder / "content.pickle").read_bytes())

    def appendix(self) -> alternatives.Appendix:
        content = self.content()
        return alternatives.Appendix(content.appendix_columns, content.appendix_rows)


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    baseline: str | None = None  # implementation ours is compared to (ours / baseline)


@dataclass(frozen=True)
class Measure:
    """One implementation of one stage; `setup` runs before the clock starts, `run` is what is timed."""

    stage: str
    name: str
    role: str
    setup: Callable[[Inputs], object]
    run: Callable[[object, Path], object]
    note: str = ""
    missing: Callable[[], str | None] = lambda: None  # why it cannot run here, if it cannot
    max_size: int | None = None  # larger sizes are skipped (quadratic or hours long)
    skip_reason: str = ""
    baseline: str | None = None  # compare with this implementation instead of the stage's yardstick
    once_above: int | None = None  # a single run above this size: slow, and the machine is shared
    process: bool = False  # a whole process is timed: peak memory is that process's
    on_sample: bool = False  # measured once on the bundled 18-risk sample, not at the synthetic sizes

    @property
    def key(self) -> str:
        return f"{self.stage}/{self.name}"


STAGES: tuple[Stage, ...] = (
    Stage("read", "Read the register workbook (.xlsx → values)", baseline="python-calamine"),
    Stage("checks", "Checks (all rules → findings)"),
    Stage("depth", "In-depth checks (R031–R044) on the register with inherent and target positions, category, "
          "target date, proximity, a Matrix and an Appetite sheet and ~2 actions per risk"),
    Stage("trends", "Trends (movements + rating distribution)"),
    Stage("appendix", "Word appendix table (one row per risk, bullets, rating colours) → .docx",
          baseline="floor: string join + zip"),
    Stage("paper", "Whole board paper, `riskreg paper` process (charts included)",
          baseline="floor: python process, string join + zip"),
    Stage("import", "Import another layout: a flat CSV of the register → register workbook", baseline="pandas.read_csv"),
    Stage("startup", "Command start-up on the 18-risk sample (whole process)", baseline="python -c pass"),
    Stage("write", "Writing commands on the same workbook (whole process)", baseline="validate --json"),
)
STAGE_BY_KEY = {stage.key: stage for stage in STAGES}


def _module_missing(*modules: str) -> Callable[[], str | None]:
    def check() -> str | None:
        import importlib.util

        for module in modules:
            try:
                found = importlib.util.find_spec(module)
            except ModuleNotFoundError:
                found = None
            if found is None:
                return f"{module} not written yet"
        return None

    return check


def _path(inputs: Inputs) -> Path:
    return inputs.xlsx


def _reader_setup(inputs: Inputs) -> Path:
    """Import the readers before the clock starts: import time is measured under `startup`, not here."""
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401

    import workbook.xlsx.reader  # noqa: F401

    return inputs.xlsx


def _read_ours(path: Path, out: Path):
    from workbook.xlsx.reader import read_register

    return read_register(path)


def _read_calamine_layout(path: Path, out: Path):
    from workbook.core.layout import register_from_grids

    return register_from_grids(alternatives.read_calamine(path), str(path))


def _checks_setup(inputs: Inputs):
    from workbook.core.checks import check

    return inputs.register(), check


def _checks(state, out: Path):
    register, check = state
    return check(register)


DEPTH_RULES = tuple(f"R{n:03d}" for n in range(31, 45))


def _depth_setup(inputs: Inputs):
    from tests.support.synthetic_register import add_depth
    from workbook.core.checks import check
    from workbook.core.rules import RULES

    return add_depth(inputs.register()), check, [rule for rule in RULES if rule.id in DEPTH_RULES]


def _depth_checks(state, out: Path):
    register, check, rules = state
    return check(register, rules)


def _depth_every_rule(state, out: Path):
    register, check, _ = state
    return check(register)


def _plain_setup(inputs: Inputs):
    from workbook.core.checks import check

    return inputs.register(), check, ()


def _trends_setup(inputs: Inputs):
    from workbook.core.trends import movements, rating_distribution

    return inputs.register(), movements, rating_distribution


def _trends(state, out: Path):
    register, movements, rating_distribution = state
    return movements(register), rating_distribution(register)


APPENDIX_TEMPLATE = "appendix-template.docx"


def appendix_template(folder: Path) -> Path:
    """Write the board paper template cut down to its appendix (heading, {{ appendix }}, landscape section)."""
    import docx
    from docx.oxml.ns import qn

    from templates import BOARD_PAPER

    document = docx.Document(str(BOARD_PAPER))
    body = document.element.body
    children = list(body)
    keep_from = next(i for i, child in enumerate(children)
                     if "{{ appendix }}" in "".join(t.text or "" for t in child.iter(qn("w:t"))))
    for child in children[:keep_from - 1]:
        body.remove(child)
    target = folder / APPENDIX_TEMPLATE
    document.save(str(target))
    return target


def _appendix_setup(inputs: Inputs):
    from report_builder.render import render  # loaded before the clock, as in the paper process

    return inputs.content(), appendix_template(inputs.folder), render


def _appendix_ours(state, out: Path) -> None:
    """Render the paper's content through the paper's own renderer, into a template that holds only the appendix."""
    content, template, render = state
    render(content, template, out)


def _floor_setup(inputs: Inputs):
    import lxml.etree  # noqa: F401

    return inputs.appendix(), alternatives.floor_parts()


# The floor of the whole paper, as a process: Python starts, loads the appendix's content, joins the document as
# strings and zips it. The content is handed over pickled (written before the clock).
FLOOR_PROCESS = ("import pickle, sys\nfrom pathlib import Path\nfrom bench.alternatives import floor_string_join\n"
                 "with open(sys.argv[1], 'rb') as f:\n    appendix, parts = pickle.load(f)\n"
                 "floor_string_join(appendix, Path(sys.argv[2]), parts)\n")
PAPER_IMPORTS = "import docx, lxml, jinja2"


def _floor_process_setup(inputs: Inputs) -> Path:
    import pickle

    path = inputs.folder / "appendix.pickle"
    path.write_bytes(pickle.dumps((inputs.appendix(), alternatives.floor_parts())))
    return path


def _floor_process(path: Path, out: Path) -> None:
    root = str(Path(__file__).resolve().parents[1])
    _run_process([sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r})\n{FLOOR_PROCESS}", str(path),
                  str(out)])


def _docx_setup(inputs: Inputs):
    import docx  # noqa: F401  (import outside the clock, as for ours)

    return inputs.appendix()


def riskreg_command() -> list[str]:
    """Return how to start the `riskreg` command line with this interpreter."""
    script = Path(sys.executable).with_name("riskreg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "addin"]


def _paper_process(path: Path, out: Path) -> None:
    _run_process([*riskreg_command(), "paper", str(path), "-o", str(out), "--force", "--overwrite"])


def _paper_collector_on(path: Path, out: Path) -> None:
    _run_process([sys.executable, "-c", WITHOUT, "collector-on", "paper", str(path), "-o", str(out), "--force",
                  "--overwrite"])


def _run_process(command: list[str], ok_codes: tuple[int, ...] = (0,)) -> None:
    process.run(command, ok_codes)


def _sample_copy(inputs: Inputs) -> Path:
    """Return a fresh copy of the sample workbook, so a command that writes to it starts from the same file."""
    copy = inputs.folder / "scratch.xlsx"
    shutil.copyfile(inputs.xlsx, copy)
    return copy


PAPER_MODULES = "paper-modules.json"


def _paper_modules(inputs: Inputs) -> list[str]:
    import json

    return json.loads((inputs.folder / PAPER_MODULES).read_text())


# Some entries of sys.modules are not importable by name (cython_runtime, aliases); those are skipped.
IMPORT_ONLY = ("import importlib, sys\nfor name in sys.argv[1:]:\n    try:\n        importlib.import_module(name)\n"
               "    except Exception:\n        pass\n")


def _import_setup(inputs: Inputs):
    """Write the register as the flat CSV `riskreg export --format csv` gives, before the clock starts."""
    import pandas  # noqa: F401

    import workbook.jobs  # noqa: F401
    from workbook.importers.flat import write_flat

    register = inputs.register()
    source = inputs.folder / "register-flat.csv"
    if not source.exists():
        write_flat(register, source, "csv", force=True)
    return source, register.period


def _import_ours(state, out: Path) -> None:
    from workbook import jobs

    source, period = state
    jobs.import_register(source, out.with_suffix(".xlsx"), period, force=True)


def _import_floor(state, out: Path) -> None:
    import pandas as pd

    pd.read_csv(state[0], dtype=str, keep_default_na=False)


def _pandoc_missing() -> str | None:
    return alternatives.pandoc_missing()


MEASURES: tuple[Measure, ...] = (
    Measure("read", "ours", OURS, _reader_setup, _read_ours, "workbook.xlsx.reader.read_register",
            missing=_module_missing("workbook.xlsx.reader")),
    Measure("read", "openpyxl", ALTERNATIVE, _reader_setup, lambda p, o: alternatives.read_openpyxl(p),
            "load_workbook(read_only=True), iter_rows(values_only=True), every sheet", once_above=1000),
    Measure("read", "python-calamine", FLOOR, _reader_setup, lambda p, o: alternatives.read_calamine(p),
            "CalamineWorkbook.to_python(), every sheet (Rust; the fastest reader we know)"),
    Measure("read", "python-calamine + our layout", ALTERNATIVE, _reader_setup, _read_calamine_layout,
            "calamine grids → workbook.core.layout.register_from_grids: what ours would take on calamine"),
    Measure("checks", "ours", OURS, _checks_setup, _checks, "workbook.core.checks.check",
            missing=_module_missing("workbook.core.checks")),
    Measure("depth", "ours", OURS, _depth_setup, _depth_checks,
            "workbook.core.checks.check(register, the rules R031–R044) on bench.synthetic.add_depth's register",
            missing=_module_missing("workbook.core.depth")),
    Measure("depth", "every rule", OURS, _depth_setup, _depth_every_rule,
            "workbook.core.checks.check(register): R001–R044 on the same register"),
    Measure("depth", "every rule, no in-depth groups", OURS, _plain_setup, _depth_every_rule,
            "workbook.core.checks.check(register) on the register before add_depth (checks/ours, in this run)"),
    Measure("trends", "ours", OURS, _trends_setup, _trends,
            "workbook.core.trends.movements + rating_distribution", missing=_module_missing("workbook.core.trends")),
    Measure("appendix", "ours", OURS, _appendix_setup, _appendix_ours,
            "report_builder.render.render into the board paper template cut down to its appendix",
            missing=_module_missing("report_builder.render")),
    Measure("appendix", "floor: string join + zip", FLOOR, _floor_setup,
            lambda s, o: alternatives.floor_string_join(s[0], o, s[1]),
            "document.xml joined as strings, zipped with python-docx's default parts"),
    Measure("appendix", "lxml elements + zip", ALTERNATIVE, _floor_setup,
            lambda s, o: alternatives.lxml_elements(s[0], o, s[1]),
            "the same table as lxml elements, tostring, zip: what lxml itself allows"),
    Measure("appendix", "naive python-docx", ALTERNATIVE, _docx_setup, alternatives.naive_python_docx,
            'add_row(), row.cells[i].text, add_paragraph(style="List Bullet"); no colours or widths (less work)',
            once_above=1000),
    Measure("appendix", "python-docx table.cell(r, c)", ALTERNATIVE, _docx_setup,
            alternatives.table_cell_python_docx, "cell by cell through table.cell: quadratic",
            max_size=400, skip_reason="quadratic: about 340 s at 1,000 risks and 9 h at 10,000"),
    Measure("appendix", "pandoc (HTML → docx)", ALTERNATIVE, Inputs.appendix, alternatives.pandoc_html,
            "pandoc -f html -t docx, whole process; no rating colours", missing=_pandoc_missing, once_above=1000,
            process=True),
    Measure("paper", "ours", OURS, _path, _paper_process, "riskreg paper REGISTER -o paper.docx (new process)",
            missing=_module_missing("report_builder.render"), process=True, once_above=1000),
    Measure("paper", "ours, cycle collector on", ALTERNATIVE, _path, _paper_collector_on,
            "the same with the cycle collector walking the paper's objects as it is built, and at exit",
            missing=_module_missing("report_builder.render"), process=True, once_above=1000, baseline="ours"),
    Measure("paper", "floor: python process, string join + zip", FLOOR, _floor_process_setup, _floor_process,
            "a Python process loading the appendix content and writing it by string join + zip", process=True,
            once_above=1000),
    Measure("import", "ours", OURS, _import_setup, _import_ours,
            "workbook.jobs.import_register: read, plan, report, write the workbook", once_above=1000,
            missing=_module_missing("workbook.importers.planner")),
    Measure("import", "pandas.read_csv", FLOOR, _import_setup, _import_floor, "reading the CSV alone"),
)
STARTUP: tuple[Measure, ...] = (
    Measure("startup", "python -c pass", FLOOR, _path, lambda p, o: _run_process([sys.executable, "-c", "pass"]),
            "the interpreter alone", process=True, on_sample=True),
    Measure("startup", "riskreg --help", OURS, _path, lambda p, o: _run_process([*riskreg_command(), "--help"]),
            process=True, on_sample=True),
    Measure("startup", "riskreg validate", OURS, _sample_copy,
            lambda p, o: _run_process([*riskreg_command(), "validate", str(p)], ok_codes=(0, 1)),
            "riskreg validate sample.xlsx (findings found: exit code 1 is expected)", process=True, on_sample=True,
            missing=_module_missing("workbook.core.checks")),
    Measure("startup", "riskreg paper", OURS, _path, _paper_process,
            "riskreg paper sample.xlsx -o paper.docx --force", process=True, on_sample=True,
            baseline="import the paper's libraries only",
            missing=_module_missing("report_builder.render")),
    Measure("startup", PAPER_IMPORTS, FLOOR, _path,
            lambda p, o: _run_process([sys.executable, "-c", PAPER_IMPORTS]),
            f'python -c "{PAPER_IMPORTS}": the libraries any docx paper needs', process=True, on_sample=True),
    Measure("startup", "import the paper's libraries only", FLOOR, _paper_modules,
            lambda names, o: _run_process([sys.executable, "-c", IMPORT_ONLY, *names]),
            "python importing exactly the third-party modules `riskreg paper` ends up with", process=True,
            on_sample=True, missing=_module_missing("report_builder.render")),
)


def _scratch(inputs: Inputs, source: Path | None = None) -> tuple[Path, str]:
    """Return a fresh copy of the size's register (no backups beside it) and the quarter after its period."""
    folder = inputs.folder / "write"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    copy = folder / "register.xlsx"
    shutil.copyfile(source or inputs.xlsx, copy)
    return copy, inputs.register().period.next().label


def _lapsed_scratch(inputs: Inputs) -> tuple[Path, str]:
    """Return a fresh copy of the size's register whose reviews have all lapsed (many findings)."""
    return _scratch(inputs, inputs.lapsed_xlsx)


# Runs the command line with one of its edge behaviours switched off, to measure what that behaviour saves.
WITHOUT = ("import sys, addin.cli as cli\nchange = sys.argv.pop(1)\n"
           "if change == 'no-freeze': cli._settle = lambda: None\n"
           "if change == 'rich-table': cli._as_table = lambda rows: True\n"
           "if change == 'collector-on': import contextlib; cli._collector_paused = contextlib.nullcontext\n"
           "cli.main(sys.argv[1:])\n")


def _command(*args: str, without: str | None = None) -> Callable[[tuple[Path, str], Path], None]:
    def run(state: tuple[Path, str], out: Path) -> None:
        path, period = state
        filled = [a.format(path=path, period=period) for a in args]
        start = [sys.executable, "-c", WITHOUT, without] if without else riskreg_command()
        _run_process([*start, *filled], ok_codes=(0, 1))
    return run


WRITES: tuple[Measure, ...] = (
    Measure("write", "validate --json", FLOOR, _scratch, _command("validate", "{path}", "--json"),
            "riskreg validate REGISTER --json: read and check, the floor a writing command builds on", process=True),
    Measure("write", "validate (plain lines)", OURS, _scratch, _command("validate", "{path}"),
            "riskreg validate REGISTER, output not a terminal: one line per finding", process=True),
    Measure("write", "validate (rich table)", ALTERNATIVE, _scratch,
            _command("validate", "{path}", without="rich-table"),
            "the same with the findings drawn as a rich table, as before", process=True, once_above=1000,
            baseline="validate (plain lines)"),
    Measure("write", "validate --write", OURS, _scratch, _command("validate", "{path}", "--write"),
            "Validation sheet, highlights and notes written part by part", process=True),
    Measure("write", "validate --write, no gc.freeze", ALTERNATIVE, _scratch,
            _command("validate", "{path}", "--write", without="no-freeze"),
            "the same with the cycle collector walking the register's objects", process=True,
            baseline="validate --write"),
    Measure("write", "trends --write", OURS, _scratch, _command("trends", "{path}", "--write"),
            "trend cells and the Summary sheet with its chart", process=True),
    Measure("write", "validate --json, many findings", FLOOR, _lapsed_scratch,
            _command("validate", "{path}", "--json"),
            "the same register with every risk's review lapsed (R022 on every risk besides the other findings)",
            process=True),
    Measure("write", "validate --write, many findings", OURS, _lapsed_scratch,
            _command("validate", "{path}", "--write"),
            "Validation sheet, highlights and notes for every finding of that register", process=True,
            baseline="validate --json, many findings"),
    Measure("write", "roll-quarter", OURS, _scratch, _command("roll-quarter", "{path}", "--period", "{period}"),
            "History rows appended, trend columns shifted, Settings moved on", process=True),
    Measure("write", "roll-quarter, no gc.freeze", ALTERNATIVE, _scratch,
            _command("roll-quarter", "{path}", "--period", "{period}", without="no-freeze"),
            "the same with the cycle collector walking the register's objects", process=True,
            baseline="roll-quarter"),
)
MEASURES = MEASURES + STARTUP + WRITES


def _paper_setup(inputs: Inputs):
    from report_builder.build import build_paper

    return inputs.xlsx, build_paper


def _paper_in_process(state, out: Path) -> None:
    path, build_paper = state
    build_paper(path, out, force=True)


# Profiled only (not in the table): the paper inside one process, so cProfile sees every stage of it.
PAPER_IN_PROCESS = Measure("paper", "in-process", OURS, _paper_setup, _paper_in_process,
                           "report_builder.build.build_paper in one process (its lazy imports included)")
PROFILED = ("read/ours", "checks/ours", "trends/ours", "appendix/ours", "paper/in-process")
MEASURE_BY_KEY = {measure.key: measure for measure in (*MEASURES, PAPER_IN_PROCESS)}
