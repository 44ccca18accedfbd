"""Find every user error riskreg can raise, in its source, and write docs/troubleshooting.md from them."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from guide.error_help import BY_CLASS, HELP, USAGE, Help

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workbook", "addin", "report_builder", "templates")
BASE = "RiskregError"
PAGE = ROOT / "docs" / "troubleshooting.md"
# The server's answers, which the task pane shows (not `Error:` lines): the call that makes each, the index of its
# message argument, and the module it is looked for in (None: any). Listed under one heading, SERVER_ANSWER.
SERVER_ANSWER = "ServerAnswer"
ANSWER_CALLS: dict[str, tuple[int, str | None]] = {
    "Refused": (1, None), "Unauthorized": (0, None), "BadPayload": (0, None), "TooMuch": (0, None),
    "error": (1, "addin/server/app.py"),
}

# A placeholder's word, from the last name in its expression: what a reader sees in place of the value.
WORDS = {
    "path": "file", "source": "file", "target": "file", "output": "file", "docx_path": "file", "export_path": "file",
    "addin": "file", "name": "name", "folder": "folder", "parent": "folder", "sheet": "sheet", "cell": "cell",
    "where": "place", "place": "place", "label": "period", "period": "period", "line": "line", "number": "line",
    "header": "header", "headers": "headers", "text": "text", "err": "detail", "strerror": "system message",
    "detail": "detail", "problem": "problem", "value": "value", "key": "setting", "field": "field",
    "user_message": "message", "listing": "list of errors", "suffix": "extension", "encoding": "encoding",
    "who": "command", "holder": "program", "size": "size", "len": "number", "shown": "headers", "table": "table",
    "server_url": "address", "found": "headers", "rels": "part", "filename": "part", "unknown": "names",
    "names": "names", "missing": "names", "expected": "headers", "held": "periods", "choices": "headers",
    "stem": "name", "why": "reason", "allowed": "seconds", "bands": "ratings", "kind": "kind of file",
    "what": "kind of file",
}
DEFAULT_WORD = "…"


@dataclass(frozen=True)
class Site:
    """One place in the source that makes a user error: its module, class and message as a template."""

    module: str  # e.g. workbook/files/atomic.py
    line: int
    error: str  # the class named at the site (RiskregError where the class is a parameter)
    template: str  # the message with each value it cannot know shown as ‹word›
    literal: bool  # False when the message is not written at the site (a variable), so it cannot be read here

    def where(self) -> str:
        return f"{self.module}:{self.line}"


def error_classes(trees: dict[str, ast.Module]) -> dict[str, str]:
    """Return every subclass of RiskregError defined in the product, by name, with its docstring."""
    classes: dict[str, str] = {BASE: ""}
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in classes and any(
                        _last_name(base) in classes for base in node.bases):
                    classes[node.name] = ast.get_docstring(node) or ""
                    changed = True
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == BASE:
                classes[BASE] = ast.get_docstring(node) or ""
    return classes


@functools.cache
def product_trees(root: Path = ROOT) -> dict[str, ast.Module]:
    """Return the parsed source of every product module, by path relative to `root`."""
    trees = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            trees[path.relative_to(root).as_posix()] = ast.parse(path.read_text(encoding="utf-8"))
    return trees


def sites(root: Path = ROOT) -> list[Site]:
    """Return every construction of a user error in the product's source."""
    return list(_sites(root))


@functools.cache
def _sites(root: Path) -> tuple[Site, ...]:
    trees = product_trees(root)
    classes = error_classes(trees)
    inits = _initialisers(trees, classes)
    constants = Constants(trees)
    found = []
    for module, tree in trees.items():
        namespace = constants.of(module)
        for function, call, name in _constructions(tree, classes):
            local = _locals(function)
            if name in inits:  # the class makes its message from its own arguments
                params, made = inits[name]
                bound = dict(zip(params, call.args)) | {k.arg: k.value for k in call.keywords if k.arg}
                shown = {param: _argument(value, namespace, local) for param, value in bound.items()}
                if isinstance(made, ast.Name):  # passed on as it is: the message is the argument
                    message = bound.get(made.id)
                else:
                    found.append(Site(module, call.lineno, name, _template(made, {}, set(), shown), True))
                    continue
            else:
                given = [k.value for k in call.keywords if k.arg == "message"]
                message = call.args[0] if call.args else given[0] if given else None
            literal = isinstance(message, (ast.Constant, ast.JoinedStr))
            text = _template(message, namespace, local) if isinstance(message, (ast.Constant, ast.JoinedStr)) else \
                f"‹{ast.unparse(message) if message is not None else 'no message'}›"
            found.append(Site(module, call.lineno, name, text, literal))
        if module.startswith("addin/server/"):
            found += _answers(module, tree, namespace)
    return tuple(sorted(found, key=lambda s: (s.module, s.line)))


def _answers(module: str, tree: ast.Module, namespace: dict) -> list[Site]:
    """Return the server's one-line answers made in `module` (an exception's text passed on is listed where it is
    made)."""
    found = []
    for function in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
        body = function.body if isinstance(function, ast.Module) else [function]
        for node in (n for part in body for n in ast.walk(part) if isinstance(n, ast.Call)):
            index, only_in = ANSWER_CALLS.get(_last_name(node.func), (-1, None))
            if index < 0 or (only_in and module != only_in) or len(node.args) <= index:
                continue
            if only_in and not isinstance(node.func, ast.Name):  # the module's own function, not log.error
                continue
            if isinstance(function, ast.Module) and _inside_function(tree, node):
                continue  # listed with its function
            message = node.args[index]
            if (isinstance(message, ast.Call) and _last_name(message.func) == "str") or (
                    isinstance(message, ast.Attribute) and isinstance(message.value, ast.Name)):
                continue  # an exception's text passed on: listed where the exception is made
            literal = isinstance(message, (ast.Constant, ast.JoinedStr))
            local = _locals(function if not isinstance(function, ast.Module) else None)
            text = _template(message, namespace, local) if literal else f"‹{ast.unparse(message)}›"
            found.append(Site(module, node.lineno, SERVER_ANSWER, text, literal))
    unique = {(s.line, s.template): s for s in found}  # a call inside nested functions is met once per level
    return list(unique.values())


def _inside_function(tree: ast.Module, call: ast.Call) -> bool:
    return any(call in list(ast.walk(f)) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef,
                                                                                    ast.AsyncFunctionDef)))


def _initialisers(trees: dict[str, ast.Module], classes: dict[str, str]) -> dict[str, tuple[list[str], ast.expr]]:
    """Return, for each error class whose `__init__` makes the message itself (`super().__init__(...)`), its
    parameters and the expression of the message; a subclass without an `__init__` of its own inherits its base's."""
    found: dict[str, tuple[list[str], ast.expr]] = {}
    bases: dict[str, list[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ClassDef) and node.name in classes):
                continue
            bases[node.name] = [_last_name(base) for base in node.bases]
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    calls = [c for c in ast.walk(item) if isinstance(c, ast.Call) and _is_super_call(c) and c.args]
                    if calls:
                        found[node.name] = ([a.arg for a in item.args.args[1:]], calls[0].args[0])
    for name in classes:
        ancestor = name
        while ancestor not in found and bases.get(ancestor):
            ancestor = bases[ancestor][0]
        if ancestor in found and ancestor != name:
            found[name] = found[ancestor]
    return found


def _argument(value: ast.expr, namespace: dict, local: set[str]) -> str:
    """Return how an argument given to an error class shows in its message: its text, or its ‹word›."""
    if isinstance(value, (ast.Constant, ast.JoinedStr)):
        return _template(value, namespace, local)
    return _shown(ast.FormattedValue(value=value, conversion=-1, format_spec=None), namespace, local)


def _constructions(tree: ast.Module, classes: dict[str, str]) -> Iterator[tuple[ast.AST | None, ast.Call, str]]:
    """Yield (enclosing function, call, class) for each call making an error: by its class, or by a parameter
    annotated `type[SomeError]`."""
    def visit(node: ast.AST, function: ast.AST | None, params: dict[str, str]) -> Iterator:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = dict(params)
                for arg in child.args.args + child.args.kwonlyargs:
                    annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                    match = re.fullmatch(r"type\[(\w+)\]( \| None)?", annotation)
                    if match and match.group(1) in classes:
                        inner[arg.arg] = match.group(1)
                yield from visit(child, child, inner)
                continue
            if isinstance(child, ast.Call):
                name = _last_name(child.func)
                if isinstance(child.func, ast.Name) and name in params:
                    yield function, child, params[name]
                elif name in classes and not _is_super_call(child):
                    yield function, child, name
            yield from visit(child, function, params)

    yield from visit(tree, None, {})


def _is_super_call(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Call) and \
        _last_name(call.func.value.func) == "super"


def _last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _last_name(node.func)
    if isinstance(node, ast.Subscript):
        return _last_name(node.value)
    return ""


class Constants:
    """The module-level constants of the product's modules, read from their source (nothing is imported, so
    the page is the same on every machine): sheet names, limits and hints a message names."""

    SAFE = {"len": len, "str": str, "repr": repr, "sorted": sorted, "__builtins__": {}}

    def __init__(self, trees: dict[str, ast.Module]):
        self.trees = trees
        self.done: dict[str, dict] = {}

    def of(self, module: str) -> dict[str, object]:
        if module in self.done:
            return self.done[module]
        values: dict[str, object] = {}
        self.done[module] = values
        tree = self.trees.get(module)
        if tree is None:
            return values
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and \
                    node.module.split(".")[0] in PACKAGES:
                source = self._path(node.module)
                for alias in node.names:
                    imported = self.of(source) if source else {}
                    if alias.name in imported:
                        values[alias.asname or alias.name] = imported[alias.name]
            assigned = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) and node.value else []
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and assigned is not None:
                value = Constants.evaluate(assigned, values)
                if value is not None:
                    values[targets[0].id] = value
        return values

    def _path(self, dotted: str) -> str | None:
        for candidate in (dotted.replace(".", "/") + ".py", dotted.replace(".", "/") + "/__init__.py"):
            if candidate in self.trees:
                return candidate
        return None

    @staticmethod
    def evaluate(node: ast.expr, values: dict) -> object:
        """Return the value of an expression made of constants only, else None."""
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if not names <= values.keys() | Constants.SAFE.keys():
            return None
        try:
            value = eval(compile(ast.Expression(node), "<constant>", "eval"), {**Constants.SAFE, **values})  # noqa: S307
        except Exception:  # e.g. a method the constant does not have: leave the placeholder
            return None
        return value if isinstance(value, (str, int, float, tuple, frozenset)) and not isinstance(value, bool) \
            else None


def _locals(function: ast.AST | None) -> set[str]:
    """Return the names a function binds: its parameters and assignments (never the module's constants)."""
    if function is None:
        return set()
    names = {arg.arg for arg in ast.walk(function) if isinstance(arg, ast.arg)}
    names |= {node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return names


def _template(node: ast.expr, namespace: dict, local: set[str], bound: dict[str, str] | None = None) -> str:
    """Return a message as its reader sees it; `bound` gives the text of the names an error class was given."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    parts = []
    for value in node.values:  # type: ignore[attr-defined]
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        elif bound is not None and isinstance(value.value, ast.Name) and value.value.id in bound:
            parts.append(bound[value.value.id])
        else:
            parts.append(_shown(value, namespace, local))
    return "".join(parts)


def _shown(value: ast.FormattedValue, namespace: dict, local: set[str]) -> str:
    """Return the value of an interpolation that depends on constants only, else its ‹word›."""
    expression = value.value
    names = {n.id for n in ast.walk(expression) if isinstance(n, ast.Name)}
    result = None if names & local else Constants.evaluate(expression, namespace)
    if isinstance(result, (str, int)):
        spec = _template(value.format_spec, namespace, local) if value.format_spec else ""
        return format(result, spec)
    named = expression.value if isinstance(expression, ast.Attribute) and expression.attr in ("name", "label") \
        and WORDS.get(_last_name(expression.value)) == "file" else expression  # path.name is the file's name
    word = WORDS.get(_last_name(named).lstrip("_"), DEFAULT_WORD)
    return f"‹{word}›"


# --- the catalogue: which entry explains which message ---

def matches(help_: Help, site: Site) -> bool:
    return help_.error in (site.error, None) and any(m in site.template for m in help_.matches)


def entries_of(found: list[Site]) -> tuple[dict[Help, list[Site]], list[str]]:
    """Return each entry with the sites it explains, and the problems: a site with no entry or two, an entry
    with no site, a message that is not written where it is raised, a class without a docstring."""
    by_help: dict[Help, list[Site]] = {help_: [] for help_ in HELP}
    problems = []
    for site in found:
        if not site.literal:
            problems.append(f"{site.where()}: {site.error}'s message is not written at the raise "
                            f"({site.template}); write it there as an f-string, so the guide can list it.")
            continue
        explained = [help_ for help_ in HELP if matches(help_, site)]
        if not explained:
            problems.append(f"{site.where()}: {site.error}({site.template!r}) has no entry in guide/error_help.py.")
        elif len(explained) > 1:
            problems.append(f"{site.where()}: {site.template!r} matches {len(explained)} entries of "
                            f"guide/error_help.py ({'; '.join(h.matches[0] for h in explained)}).")
        else:
            by_help[explained[0]].append(site)
    for help_, explained_sites in by_help.items():
        if not explained_sites:
            problems.append(f"guide/error_help.py: the entry {help_.matches[0]!r} matches no message any more: "
                            "remove it, or update it to the message's new words.")
    return by_help, problems


def class_problems(root: Path = ROOT) -> list[str]:
    """Return the error classes without an entry of their own (a docstring and a BY_CLASS heading)."""
    classes = error_classes(product_trees(root))
    problems = [f"class {name} has no docstring: say in one line what the error means." for name, doc in
                classes.items() if not doc]
    problems += [f"class {name} has no heading in guide/error_help.py's BY_CLASS." for name in classes
                 if name not in BY_CLASS]
    problems += [f"guide/error_help.py's BY_CLASS names {name}, which is no longer an error class." for name in
                 BY_CLASS if name not in classes and name != SERVER_ANSWER]
    return problems


# --- the page ---

def _first_sentence(template: str) -> str:
    shielded = template.replace("e.g. ", "e.g.\u00a0").replace("i.e. ", "i.e.\u00a0")
    match = re.match(r"(.+?[.?!])( |$)", shielded)
    sentence = (match.group(1) if match else shielded).replace("\u00a0", " ")
    return sentence if len(sentence) <= 140 else sentence[:137].rstrip() + "…"


def _quoted(template: str, prefix: str = "Error: ") -> str:
    lines = (prefix + template).split("\n")
    return "\n".join("> " + _escape(line) if line else ">" for line in lines)


def _escape(text: str) -> str:
    """Return text as Markdown shows it literally (messages hold *, _, <, [ and backticks)."""
    text = text.replace("\\", "\\\\")
    for char in "`*_[]<>#|{}":
        text = text.replace(char, "\\" + char)
    return text


def page(root: Path = ROOT) -> str:
    """Return docs/troubleshooting.md: every message, grouped by what went wrong, with what to do."""
    found = sites(root)
    by_help, _ = entries_of(found)
    classes = error_classes(product_trees(root))
    out = [
        "# Troubleshooting",
        "",
        "Generated from the source by `python -m guide troubleshooting` (the messages) and "
        "`guide/error_help.py` (what each means and what to do); do not edit by hand.",
        "",
        "When riskreg cannot do what you asked, it prints **one line** starting `Error:` and stops with exit "
        "code 2 (in Excel, the same words appear in a message box). Nothing has been changed: a refused command "
        "leaves your files as they were. The line names the file, sheet, cell or line at fault and what to do. "
        "Find it below by a few of its words (Ctrl+F): a word in ‹angle quotes› stands for the file, cell or "
        "value your message names.",
        "",
        "A finding of `riskreg validate` (a rule such as R006) is not an error of this kind: it is listed in "
        "[the checks](rules.md) with its fix.",
        "",
        f"{len([s for s in found if s.literal and s.error != SERVER_ANSWER])} places in riskreg make an `Error:` "
        f"message and {len([s for s in found if s.error == SERVER_ANSWER])} an answer of the server; "
        f"{len(HELP)} entries explain them.",
        "",
    ]
    order = list(BY_CLASS)
    grouped: dict[str, list[Help]] = {}
    for help_ in HELP:
        explained = by_help[help_]
        if explained:
            grouped.setdefault(explained[0].error, []).append(help_)
    for error in sorted(grouped, key=lambda e: order.index(e) if e in order else len(order)):
        heading, intro = BY_CLASS.get(error, (error, ""))
        out += [f"## {heading}", "", intro or classes.get(error, ""), ""]
        for help_ in grouped[error]:
            templates = list(dict.fromkeys(site.template for site in by_help[help_]))
            modules = ", ".join(f"`{m}`" for m in dict.fromkeys(site.module for site in by_help[help_]))
            out += [f"### {_escape(_first_sentence(templates[0]))}", ""]
            for template in templates:
                out += [_quoted(template, "" if error == SERVER_ANSWER else "Error: "), ""]
            out += [f"**What it means.** {help_.means}", "", f"**What to do.** {help_.do}", "",
                    f"<small>Raised in {modules}.</small>", ""]
    out += ["## Mistakes in the command itself", "",
            "A command typed wrongly (a misspelt command or option, a missing file name, a value that is not one of "
            "those allowed) is answered by the command line itself: the command's usage line, then one `Error:` "
            "line, exit code 2. Run the command with `--help` to see what it takes.", ""]
    for example, message, meaning in USAGE:
        out += [f"### {_escape(message)}", "", f"For example `{example}`.", "", meaning, ""]
    return "\n".join(out).rstrip() + "\n"


def write(root: Path = ROOT) -> Path:
    """Write docs/troubleshooting.md; refuse while a message has no entry."""
    _, problems = entries_of(sites(root))
    problems += class_problems(root)
    if problems:
        raise SystemExit("Cannot write the troubleshooting page:\n" + "\n".join(problems))
    PAGE.write_text(page(root), encoding="utf-8")
    return PAGE


def templates_of(found: Iterable[Site]) -> list[str]:
    return [site.template for site in found]
