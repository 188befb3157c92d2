"""Modules meet through public names: no file reads another module's ``_private`` name.

Every ``.py`` file under ``src/``, ``tests/`` and ``benchmarks/`` is parsed (``ast``), and so is any
script a test or a benchmark keeps in a string to run in another process. A file fails on:

* ``from m import _x`` where ``m`` is a project module (``kustavi_dcat``, ``tests``, ``benchmarks``, or a
  relative import);
* ``mod._x``, where ``mod`` is a project module the file imported (also ``pkg.mod._x``);
* ``setattr(mod, "_x", ...)``, ``getattr(mod, "_x")``, ``monkeypatch.setattr(mod, "_x", ...)`` and the like:
  a private name reached through a string.

A name of the form ``__x__`` is not private, and a file may use its own private names. ``ALLOWED`` holds
the exceptions, each with its reason; add one only with a reason. If a test needs another module's private
name, make that name public (and document it) instead.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

FOLDERS = ("src", "tests", "benchmarks")
TOP = ("kustavi_dcat", "tests", "benchmarks")
"""The project's top-level packages (``src/kustavi_dcat``, ``tests``, ``benchmarks``)."""

ALLOWED: dict[str, str] = {
    "_NS": "the attribute rdflib's DefinedNamespace is declared with (its base IRI, set in namespaces.py "
           "as rdflib requires); reading it is how a namespace's IRI is had, not a module's private name",
}
"""Private names that may be read across modules, each with its reason."""

STRING_ACCESS = {"setattr", "getattr", "delattr", "hasattr"}
"""Calls (also as methods, e.g. ``monkeypatch.setattr``) whose (object, "name") arguments reach a name."""


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__")) and name not in ALLOWED


def _is_project(module: str) -> bool:
    return module.split(".", 1)[0] in TOP


def _is_module(dotted: str, root: Path) -> bool:
    """Whether a dotted name is a project module or package (rather than a name defined in one)."""
    if not _is_project(dotted):
        return False
    parts = dotted.split(".")
    base = root / "src" if parts[0] == "kustavi_dcat" else root
    path = base.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _package_of(file: str) -> str:
    """The dotted package a file sits in (for relative imports): ``src/kustavi_dcat/page/x.py`` ->
    ``kustavi_dcat.page``."""
    parts = list(Path(file).with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts)
    return ".".join(parts[:-1])


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


class _Checker(ast.NodeVisitor):
    def __init__(self, file: str, root: Path, offset: int = 0) -> None:
        self.file = file
        self.root = root
        self.offset = offset
        self.package = _package_of(file)
        self.modules: dict[str, str] = {}
        """Local name -> the project module it is bound to."""
        self.found: list[Violation] = []

    def _flag(self, node: ast.AST, what: str) -> None:
        self.found.append(Violation(self.file, self.offset + getattr(node, "lineno", 0), what))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not _is_project(alias.name):
                continue
            if alias.asname:
                self.modules[alias.asname] = alias.name
            else:
                top = alias.name.split(".", 1)[0]
                self.modules[top] = top
            for part in alias.name.split(".")[1:]:
                if _private(part):
                    self._flag(node, f"imports the private module {alias.name}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = _absolute(node, self.package)
        if not _is_project(module):
            return
        for alias in node.names:
            if _private(alias.name):
                self._flag(node, f"from {module} import {alias.name}: another module's private name")
            full = f"{module}.{alias.name}"
            if _is_module(full, self.root):
                self.modules[alias.asname or alias.name] = full

    def _dotted(self, node: ast.expr) -> list[str] | None:
        """``a.b.c`` as ["a", "b", "c"] when it is a chain of names, else None."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return parts[::-1]

    def _module_of(self, node: ast.expr) -> str | None:
        """The project module an expression names (``worker``, ``kustavi_dcat.records.worker``), else None."""
        parts = self._dotted(node)
        if parts is None or parts[0] not in self.modules:
            return None
        dotted = ".".join([self.modules[parts[0]], *parts[1:]])
        return dotted if _is_module(dotted, self.root) else None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        module = self._module_of(node.value)
        if module is not None and _private(node.attr):
            self._flag(node, f"{module}.{node.attr}: another module's private name")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in STRING_ACCESS and len(node.args) >= 2:
            target, attr = node.args[0], node.args[1]
            module = self._module_of(target)
            if module is not None and isinstance(attr, ast.Constant) and isinstance(attr.value, str) \
                    and _private(attr.value):
                self._flag(node, f"{name}({module}, {attr.value!r}): another module's private name")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._script(node.value, node.lineno)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        """An f-string script: each replacement field read as a plain name."""
        text = "".join(part.value if isinstance(part, ast.Constant) else "X" for part in node.values)
        self._script(str(text), node.lineno)

    def _script(self, text: str, line: int) -> None:
        """A script kept in a string (run in another process) is checked as well."""
        if not any(f"import {t}" in text or f"from {t}" in text for t in TOP):
            return
        try:
            tree = ast.parse(textwrap.dedent(text))
        except SyntaxError:  # prose that mentions an import
            return
        inner = _Checker(self.file, self.root, self.offset + line - 1)
        inner.package = self.package
        inner.visit(tree)
        self.found.extend(inner.found)


def violations(source: str, file: str, root: Path = ROOT) -> list[Violation]:
    """Every read of another module's private name in one file's text."""
    checker = _Checker(file, root)
    checker.visit(ast.parse(source, filename=file))
    return checker.found


def project_files(root: Path = ROOT) -> Iterator[Path]:
    for folder in FOLDERS:
        yield from sorted((root / folder).rglob("*.py"))


def test_no_module_reads_another_modules_private_name() -> None:
    found = [v for path in project_files()
             for v in violations(path.read_text("utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "private names read across modules:\n" + "\n".join(map(str, found))


def test_the_files_checked_include_the_engine_the_tests_and_the_benchmarks() -> None:
    names = {str(p.relative_to(ROOT)) for p in project_files()}
    assert {"src/kustavi_dcat/pipeline.py", "src/kustavi_dcat/records/worker.py", "tests/conftest.py",
            "benchmarks/scale.py"} <= names


# Planted files: "PKG" and "TST" stand for the packages' names, so that this file's own strings are not
# scripts (the check reads scripts kept in strings).
PLANTED = [
    ("import os\nfrom PKG.publish import write_atomically, _write_synced\n", 2,
     "from PKG.publish import _write_synced"),
    ("from PKG.records import worker\n\nworker._JOB = None\n", 3, "PKG.records.worker._JOB"),
    ("import PKG.pipeline as p\np._once(print)\n", 2, "PKG.pipeline._once"),
    ("import PKG.pipeline\nPKG.pipeline._once(print)\n", 2, "PKG.pipeline._once"),
    ("from PKG import publish\n\n\ndef t(monkeypatch):\n    monkeypatch.setattr(publish, '_remove', 1)\n", 5,
     "setattr(PKG.publish, '_remove')"),
    ("from . import _x\n", 1, "from PKG import _x"),
    ("from .records.pool import _no_result_half_sent\n", 1, "from PKG.records.pool import"),
    ('SCRIPT = """\n    from PKG import pipeline\n    pipeline._once(print)\n"""\n', 3, "PKG.pipeline._once"),
    ('N = 3\nSCRIPT = f"""\n    from PKG import pipeline\n    pipeline._once({N})\n"""\n', 4,
     "PKG.pipeline._once"),
    ("from TST import conftest\nconftest._own_user_cache\n", 2, "TST.conftest._own_user_cache"),
]


@pytest.mark.parametrize(("text", "line", "what"), PLANTED)
def test_a_planted_violation_is_named_with_its_file_and_line(text: str, line: int, what: str) -> None:
    found = violations(_named(text), "src/kustavi_dcat/planted.py")
    assert [str(v).split(": ", 1)[0] for v in found] == [f"src/kustavi_dcat/planted.py:{line}"]
    assert _named(what) in str(found[0])


def _named(text: str) -> str:
    return text.replace("PKG", "kustavi_dcat").replace("TST", "tests")


def test_the_whole_check_fails_on_a_planted_violation(tmp_path: Path) -> None:
    """The same walk as the real check, over a copy of the layout with one bad file: it is found."""
    package = tmp_path / "src" / "kustavi_dcat"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "engine.py").write_text("def _secret() -> int:\n    return 1\n")
    (package / "user.py").write_text("from kustavi_dcat import engine\n\nX = engine._secret()\n")
    found = [str(v) for path in project_files(tmp_path)
             for v in violations(path.read_text("utf-8"), str(path.relative_to(tmp_path)), tmp_path)]
    assert found == ["src/kustavi_dcat/user.py:3: kustavi_dcat.engine._secret: another module's private name"]


@pytest.mark.parametrize("text", [
    "from PKG.namespaces import DCAT\nDCAT._NS\n",  # rdflib's, allowed with its reason
    "from PKG import namespaces\nnamespaces.DCAT._NS\n",
    "import os\nos._exit\n",  # not a project module
    "from PKG import pipeline\npipeline.__name__\n",  # dunder: not private
    "def _own():\n    pass\n_own()\n",  # a file's own private name
    "from PKG.pipeline import publish\npublish._cache\n",  # a function's attribute, not a module's
    "from PKG import publish\n\n\ndef t(monkeypatch):\n    monkeypatch.setattr(publish, 'write_synced', 1)\n",
    'HELP = "from the source folder, import PKG records: pipeline._once"\n',  # prose, not a script
])
def test_what_is_not_a_violation(text: str) -> None:
    assert violations(_named(text), "src/kustavi_dcat/planted.py") == []


# -- the pictures of the modules in docs/architecture.md ----------------------------------------------

ARCHITECTURE = ROOT / "docs" / "architecture.md"
UNDRAWN = {"kustavi_dcat": "the package's __init__.py holds only its version",
           "kustavi_dcat.data": "a folder of data files; its __init__.py has no code"}
"""Modules the first picture leaves out, each with its reason."""
BOTTOM = "base"
"""The first picture's bottom box, whose incoming arrows are left out (the text says who imports it)."""
NOT_INTO_BOTTOM = {"progress"}
"""The boxes the text says do not import from the bottom box."""


def _pictures(text: str) -> list[str]:
    return [block.split("```", 1)[0] for block in text.split("```mermaid\n")[1:]]


def _boxes(picture: str) -> dict[str, list[str]]:
    """Box id -> the modules or packages its label names (``cli.py`` -> ``kustavi_dcat.cli``, ``web/`` ->
    ``kustavi_dcat.web``)."""
    boxes: dict[str, list[str]] = {}
    for box, label in re.findall(r'(\w+)\["([^"]*)"\]', picture):
        names = re.findall(r"[\w/]+\.py|\w+/", label.replace("<br/>", " "))
        boxes[box] = ["kustavi_dcat." + n.removesuffix(".py").strip("/").replace("/", ".") for n in names]
    return boxes


def _arrows(picture: str) -> set[tuple[str, str]]:
    plain = re.sub(r'\["[^"]*"\]', "", picture)
    arrows: set[tuple[str, str]] = set()
    for source, targets in re.findall(r"^\s*(\w+)\s*-->\s*(.+)$", plain, re.MULTILINE):
        arrows.update((source, t.strip()) for t in targets.split("&"))
    return arrows


def _box_of(module: str, boxes: dict[str, list[str]]) -> str | None:
    """The box naming the module itself or the closest package holding it."""
    best: tuple[int, str] | None = None
    for box, names in boxes.items():
        for name in names:
            if (module == name or module.startswith(name + ".")) and (best is None or len(name) > best[0]):
                best = (len(name), box)
    return None if best is None else best[1]


def _modules(root: Path = ROOT) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((root / "src" / "kustavi_dcat").rglob("*.py")):
        parts = path.relative_to(root / "src").with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a module imports (anywhere in it)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package) if node.level else node.module or ""
            out.update(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names)
    return {m for m in out if m in modules and m != module}


def _drawn_and_real(picture: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]], dict[str, list[str]]]:
    boxes = _boxes(picture)
    modules = _modules()
    real: set[tuple[str, str]] = set()
    for module, path in modules.items():
        here = _box_of(module, boxes)
        for imported in _imports(module, path, modules):
            there = _box_of(imported, boxes)
            if here is not None and there is not None and here != there:
                real.add((here, there))
    return _arrows(picture), real, boxes


def test_the_picture_of_the_floors_is_the_code() -> None:
    floors = _pictures(ARCHITECTURE.read_text("utf-8"))[0]
    drawn, real, boxes = _drawn_and_real(floors)
    undrawn = [m for m in _modules() if _box_of(m, boxes) is None and m not in UNDRAWN]
    assert not undrawn, f"modules in no box of the picture: {undrawn}"
    assert sorted(drawn - real) == [], "arrows that are no import"
    assert sorted(real - drawn - {(box, BOTTOM) for box in boxes}) == [], "imports the picture does not draw"
    assert {box for box, there in real if there == BOTTOM} == set(boxes) - {BOTTOM} - NOT_INTO_BOTTOM


def test_the_picture_of_the_records_package_is_the_code() -> None:
    drawn, real, boxes = _drawn_and_real(_pictures(ARCHITECTURE.read_text("utf-8"))[1])
    assert "kustavi_dcat.records.worker" in boxes["worker"]
    assert sorted(drawn - real) == [], "arrows that are no import"
    assert sorted(real - drawn) == [], "imports the picture does not draw"


def test_a_picture_with_a_false_arrow_or_a_missing_one_is_caught() -> None:
    picture = ('flowchart TD\n    a["records/unit.py"]\n    b["records/handover.py"]\n    c["records/worker.py"]\n'
               "    b --> a\n")
    drawn, real, _ = _drawn_and_real(picture)
    assert drawn - real == {("b", "a")}  # handover.py does not import unit.py
    assert real - drawn == {("a", "b"), ("c", "a"), ("c", "b")}
