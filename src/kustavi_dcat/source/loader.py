"""Load stage: a source folder of YAML records becomes a checked ``Source``, or a ``SourceError``
listing every problem found in one run (file, line, column, field, and how to fix it).

Layout: ``catalog.yaml`` (the catalogue, its publisher, contact point, sections and search criteria)
and ``resources/*.yaml`` (one information resource per file). Every file is read even when another one
is broken, so a steward sees all problems at once; files are named as given with ``--source``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from kustavi_dcat import hetu, vocab
from kustavi_dcat.errors import Problem, SourceError
from kustavi_dcat.models import Resource, Source, System
from kustavi_dcat.source import schema
from kustavi_dcat.source.schema import RECORDS, REVIEWABLE, Key, Record
from kustavi_dcat.source.yamlnodes import (
    Mention,
    Node,
    Reader,
    compose,
    first_alias,
    mask_personal_codes,
    personal_codes,
    short,
    suggest,
)

CATALOG_FILE = "catalog.yaml"
RESOURCES_DIR = "resources"
MAX_FILE_BYTES = 1024 * 1024
"""A record is a few kilobytes; anything this large is a mistake, refused before it is read or parsed,
so a wrong file costs neither time nor memory."""
MAX_SOURCE_BYTES = 1024 * 1024 * 1024
"""All resource files together: a national source of a hundred thousand records is a few hundred
megabytes; more is refused before anything is read, naming the folder, instead of exhausting memory."""
MAX_DEPTH = 64
"""Records nest a few levels deep; deeper nesting is refused instead of exhausting the parser's stack."""
LINE_SEPARATORS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\x85": "NEXT LINE"}
"""Characters YAML counts as line breaks but editors do not: they would shift every later line number."""


@dataclass(frozen=True)
class _File:
    """One source file read and parsed: its display name, its tree and the scalars already reported."""

    name: str
    node: Node
    flagged: frozenset[int]
    problems: tuple[Problem, ...] = ()
    """Problems found while reading it."""

    def reader(self) -> Reader:
        return Reader(self.name, flagged=self.flagged)


@dataclass(frozen=True)
class Read:
    """What one file gave on its own: its record (or None), its problems and the identifiers it defines
    and refers to (checked against every other file's by ``cross_check``)."""

    record: object | None
    parsed: bool
    """Whether the file could be read and parsed as YAML at all."""
    parse_problems: list[Problem]
    """Problems of decoding and parsing it (reported with the reading problems, before any record's)."""
    problems: list[Problem]
    """Problems of the record itself."""
    defined: list[Mention]
    referred: list[Mention]


def load(source_dir: Path) -> Source:
    """Read and check every record under ``source_dir``."""
    problems: list[Problem] = []
    root = Path(source_dir)
    _check_root(root)
    head = read_catalog(root / CATALOG_FILE, file_bytes(root / CATALOG_FILE, problems))
    problems += head.parse_problems
    reads = []
    for path in _resource_files(root, problems):
        read = read_resource(str(path), file_bytes(path, problems))
        problems += read.parse_problems
        reads.append(read)
    return checked(head, reads, problems)


def read_catalog(path: Path, data: bytes | None) -> Read:
    """``catalog.yaml``: its record is the dictionary of ``Source`` fields other than the resources."""
    return _read(str(path), data, _catalog_file)


def read_resource(name: str, data: bytes | None) -> Read:
    """One resource file on its own; its record is a ``Resource``."""
    return _read(name, data, _resource)


def _read(name: str, data: bytes | None, record: Callable[[Reader, Node], object | None]) -> Read:
    parse_problems: list[Problem] = []
    file = _parse(name, data, parse_problems)
    if file is None:
        return Read(None, False, parse_problems, [], [], [])
    reader = file.reader()
    value = record(reader, file.node)
    return Read(value, True, parse_problems, reader.problems, reader.defined, reader.referred)


def resource_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """The resource files of a source folder in publishing order, and the problems of the folder itself."""
    problems: list[Problem] = []
    _check_root(root)
    return _resource_files(root, problems), problems


def file_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """A record file's bytes, or None with a problem (missing, a folder, a device, too large, a link out of
    the source folder, ...)."""
    if path.is_symlink() and not _inside(path, _source_root(path)):
        problems.append(Problem(str(path), 1, 1, "", *OUTSIDE))
        return None
    return _bytes(path, str(path), problems)


def checked(head: Read, reads: list[Read], problems: list[Problem]) -> Source:
    """The ``Source`` of a catalogue file and resource files read one by one, or a ``SourceError`` with
    every problem: ``problems`` (reading and parsing, in file order), then each record's, then the
    cross-record ones (when the catalogue file parsed)."""
    problems = [*problems, *head.problems]
    defined = [*head.defined]
    referred = [*head.referred]
    resources: list[Resource] = []
    for read in reads:
        problems += read.problems
        defined += read.defined
        referred += read.referred
        if isinstance(read.record, Resource):
            resources.append(read.record)
    if len(resources) < len(reads):  # a resource file not read: the sections' lists wait until it is
        referred = [m for m in referred if m.kind not in ("information resource", MEMBER)]
        defined = [m for m in defined if m.kind != ORDERED]
    if head.parsed:
        problems.extend(cross_check(defined, referred))
    if problems or not isinstance(head.record, dict):
        raise SourceError([mask_personal_codes(p) for p in problems])
    return Source(resources=tuple(resources), **head.record)


# -- files ---------------------------------------------------------------------------------------


def _check_root(root: Path) -> None:
    """Refuse a missing, unreadable, non-folder or empty source at once: there is nothing else to report."""
    name = str(root)

    def refuse(message: str, hint: str) -> SourceError:
        return SourceError([Problem(name, 1, 1, "", message, hint)])

    if hetu.contains(name):
        raise refuse("the folder's name holds a personal identity code (henkilötunnus)",
                     "rename the folder: a name is copied into every message and log")
    try:
        if not root.exists():
            raise refuse("the source folder does not exist",
                         "give an existing folder with --source, or run `kustavi-dcat init DIR`")
        if not root.is_dir():
            raise refuse("the source is not a folder", "give the folder that holds catalog.yaml with --source")
        empty = not any(p for p in root.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        raise refuse(f"the source folder cannot be read ({exc.strerror or exc})",
                     "check that you may open and list it (permissions r and x)") from exc
    if empty:
        raise refuse("the source folder is empty",
                     "give the folder that holds catalog.yaml, or run `kustavi-dcat init DIR` to start one")


def _resource_files(root: Path, problems: list[Problem]) -> list[Path]:
    folder = root / RESOURCES_DIR
    try:
        return _listed(root, folder, problems)
    except OSError as exc:
        problems.append(Problem(str(folder), 1, 1, "", f"the folder cannot be read ({exc.strerror or exc})",
                                "check that you may open and list it (permissions r and x)"))
        return []


def _listed(root: Path, folder: Path, problems: list[Problem]) -> list[Path]:
    """The ``.yaml`` files of ``resources/``, with a problem for each other entry and for the folder."""
    if not folder.exists() and not folder.is_symlink():
        # Publishing without resources would empty the portal's copy at the next harvest: refuse it.
        close = difflib.get_close_matches(RESOURCES_DIR, [p.name for p in root.iterdir()], n=1, cutoff=0.6)
        problems.append(Problem(str(folder), 1, 1, "", "there is no `resources/` folder, so the catalogue would "
                                "list no information resources",
                                f"rename `{close[0]}` to `resources`" if close else
                                "create `resources/` with one .yaml file per information resource "
                                "(`kustavi-dcat init DIR` writes an example)"))
        return []
    if not folder.is_dir():
        problems.append(Problem(str(folder), 1, 1, "", "`resources` must be a folder",
                                "move the file away and create a folder `resources/` for resource records"))
        return []
    if folder.is_symlink() and not _inside(folder, root):
        problems.append(Problem(str(folder), 1, 1, "", OUTSIDE[0].replace("file", "folder"), OUTSIDE[1]))
        return []
    files = []
    for path in sorted(folder.iterdir()):
        if hetu.contains(path.name):
            problems.append(Problem(str(path), 1, 1, "", "the file name holds a personal identity code "
                                    "(henkilötunnus)", "rename the file: a name is copied into every message, "
                                    "log and cache"))
        elif path.suffix in (".yaml", ".yml"):
            files.append(path)
        elif not path.name.startswith("."):
            problems.append(Problem(str(path), 1, 1, "", "not a YAML record (the name must end in .yaml)",
                                    "rename it to end in .yaml, or move it out of the source folder"))
    if not files:
        problems.append(Problem(str(folder), 1, 1, "", "holds no resource records, so the catalogue would list "
                                "no information resources",
                                "add one .yaml file per information resource (`kustavi-dcat init DIR` writes an "
                                "example)"))
    _total_size(folder, files, problems)
    return files


def _total_size(folder: Path, files: list[Path], problems: list[Problem]) -> None:
    """A problem naming ``folder`` when its records together exceed ``MAX_SOURCE_BYTES`` (a file larger
    than ``MAX_FILE_BYTES`` is not counted: it is refused on its own)."""
    total = 0
    for path in files:
        try:
            size = path.lstat().st_size
        except OSError:
            continue  # reported when the file is read
        total += size if size <= MAX_FILE_BYTES else 0
        if total > MAX_SOURCE_BYTES:
            problems.append(Problem(str(folder), 1, 1, "", f"the records together are larger than "
                                    f"{MAX_SOURCE_BYTES // 1024 ** 2} MiB; nothing was read",
                                    "check that this is the right folder: records are a few kilobytes each"))
            files.clear()
            return


OUTSIDE = ("is a link to a file outside the source folder; it was not read",
           "put the record itself in the source folder instead of a link to it")
"""A link is followed only within the source folder: a record is never read from elsewhere."""


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every link followed, is within ``root`` (itself resolved). A link loop counts
    as inside: reading it then reports the loop, and nothing outside is reached."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return True


def _source_root(path: Path) -> Path:
    """The source folder of a record file: the parent of ``catalog.yaml`` and of ``resources/``."""
    return path.parent.parent if path.parent.name == RESOURCES_DIR else path.parent


def _parse(name: str, data: bytes | None, problems: list[Problem]) -> _File | None:
    """The file's YAML node tree, or ``None`` with its problems recorded.

    Personal identity codes are looked for in the whole text (comments too) whether or not it parses.
    """
    if data is None:
        return None
    before = len(problems)
    text = _decode(data, name, problems)
    if text is None:
        return None
    text = _line_separators(text.replace("\r\n", "\n"), name, problems)
    if (alias := first_alias(text)) is not None:
        # Refused before composing: each alias is a copy, and a megabyte of them asks for gigabytes.
        problems.append(Problem(name, *alias, "", "a YAML alias (`*name`) is here; records do not use aliases",
                                "write the value out in full where it is needed, and remove the anchor (`&name`)"))
        problems.extend(personal_codes(name, text, None)[0])
        return None
    node = _compose(text, name, problems)
    found, flagged = personal_codes(name, text, node)
    problems.extend(found)
    if node is None:
        return None
    return _File(name, node, flagged, tuple(problems[before:]))


def _bytes(path: Path, name: str, problems: list[Problem]) -> bytes | None:  # noqa: C901 -- one refusal per kind of unreadable file, each with its own message
    """The file's bytes, refusing folders, devices, link loops and oversized files before reading."""

    def fail(message: str, hint: str) -> None:
        problems.append(Problem(name, 1, 1, "", message, hint))

    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            fail("is a link to a file that does not exist", "point the link at the record, or remove it")
        elif path.name == CATALOG_FILE and (alt := _near_catalog(path)) is not None:
            fail("file is missing", f"rename `{alt.name}` to `{CATALOG_FILE}`")
        else:
            fail("file is missing", "create it; `kustavi-dcat init DIR` writes a template")
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            fail("is a symbolic link that leads back to itself (a link loop)",
                 "replace the link with the file it should point to")
        else:
            fail(f"cannot be read ({exc.strerror or exc})", "check that you may read it")
        return None
    if stat.S_ISDIR(info.st_mode):
        fail("is a folder where a YAML file is expected",
             "move the folder away; a record is one file ending in .yaml")
        return None
    if not stat.S_ISREG(info.st_mode):
        fail("is not an ordinary file (a device, pipe or socket)", "put an ordinary YAML file here")
        return None
    too_big = (f"file is larger than {MAX_FILE_BYTES // 1024} KiB; it was not read",
               "a record is a few kilobytes: check that this is the right file, or split it")
    if info.st_size > MAX_FILE_BYTES:
        fail(f"{too_big[0]} ({info.st_size} bytes)", too_big[1])
        return None
    try:
        data = _read_bounded(path, info.st_size)
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})", "check that you may read it")
        return None
    if len(data) > MAX_FILE_BYTES:
        fail(*too_big)
        return None
    return data


def _read_bounded(path: Path, size: int) -> bytes:
    """At most ``MAX_FILE_BYTES + 1`` bytes of a file stat says has ``size``.

    It asks for that size (and one byte more, to notice growth), never for the limit: a buffer of the
    limit is a memory mapping of its own, which stays as long as the bytes do, and tens of thousands of
    them exhaust the process's mappings (``vm.max_map_count``)."""
    with open(path, "rb") as handle:
        data = handle.read(min(size, MAX_FILE_BYTES) + 1)
        if len(data) > size:  # it grew since: read on, up to the limit
            data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    return data


def _near_catalog(path: Path) -> Path | None:
    """A file beside the missing catalog.yaml that was surely meant to be it (``catalog.yml``, ``Catalog.yaml``)."""
    for other in sorted(path.parent.iterdir()):
        if other.name != path.name and other.name.lower() in ("catalog.yaml", "catalog.yml"):
            return other
    return None


def _decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    """UTF-8 text (a leading BOM is accepted), or a problem at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[start:exc.start].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        try:
            legacy = f" (in Windows-1252 it would be `{bytes([byte]).decode('cp1252')}`)"
        except UnicodeDecodeError:
            legacy = ""
        rest = data[exc.end:]
        more = sum(1 for _ in rest.decode("utf-8", "replace") if _ == "\ufffd")
        also = f"; {more} more such byte{'s' if more != 1 else ''} follow" if more else ""
        problems.append(Problem(name, line, column, "",
                                f"the file is not UTF-8: byte 0x{byte:02X} cannot be read{legacy}{also}",
                                "save the file as UTF-8 (in most editors: Save with encoding, UTF-8)"))
        return None


def _line_separators(text: str, name: str, problems: list[Problem]) -> str:
    """Report invisible line separators and read on with spaces, so later line numbers stay right."""
    if not any(ch in text for ch in LINE_SEPARATORS):
        return text
    line = 1
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            line, start = line + 1, i + 1
        elif ch in LINE_SEPARATORS:
            problems.append(Problem(name, line, i - start + 1, "",
                                    f"an invisible {LINE_SEPARATORS[ch]} character (U+{ord(ch):04X}) is here",
                                    "delete it (it often comes with text copied from a web page or a "
                                    "word processor); YAML would read it as a line break"))
    return text.translate({ord(ch): " " for ch in LINE_SEPARATORS})


def _compose(text: str, name: str, problems: list[Problem]) -> Node | None:
    """The node tree, or ``None`` with one problem saying where the YAML is broken and how to mend it."""

    def fail(message: str, hint: str, line: int = 1, column: int = 1) -> None:
        problems.append(Problem(name, line, column, "", message, hint))

    try:
        node = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        opened = "end of stream" in str(exc.problem) or "flow" in str(exc.context)
        if exc.context_mark is not None and (mark is None or opened):
            mark = exc.context_mark  # where the unclosed quote or bracket starts, not where parsing gave up
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if "flow node" in str(exc.context) and mark is not None:
            line, column = _opening_bracket(text, mark.index) or (line, column)
        fail(*_syntax_message(exc, text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""),
             line, column)
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        fail(f"a control character (U+{exc.character:04X}) is here, which YAML does not allow",
             "delete it; it is invisible in most editors", line, column)
        return None
    except RecursionError:
        line, column = _too_deep(text)
        fail(f"values are nested more than {MAX_DEPTH} levels deep",
             "records nest a few levels; check the brackets and indentation here", line, column)
        return None
    except yaml.YAMLError as exc:
        fail(f"YAML syntax error: {exc}", "check quotes, colons and indentation")
        return None
    if node is None:
        fail("file is empty", "fill it in; `kustavi-dcat init DIR` writes a template")
        return None
    return node


def _syntax_message(exc: yaml.MarkedYAMLError, line_text: str) -> tuple[str, str]:
    """PyYAML's complaint, said the way a steward can act on it."""
    problem, context = str(exc.problem or ""), str(exc.context or "")
    if "'\\t'" in problem:
        return ("a tab character is here; YAML allows only spaces for indentation",
                "replace the tab with spaces (set the editor to insert spaces for Tab)")
    if "quoted scalar" in context:
        return ("a quotation mark opened here is never closed",
                "add the closing quotation mark at the end of the text")
    if "mapping values are not allowed" in problem:
        return ("a colon followed by a space inside a value, or a key indented too far",
                'put a text that contains `: ` in double quotes, e.g. `en: "Note: ..."`; '
                "otherwise align the key with the keys above it")
    if "could not find expected ':'" in problem:
        return ("a line here is not `key: value`",
                "add the colon after the key, or indent a continued text as far as its first line")
    if "expected <block end>" in problem:
        return ("the indentation here does not match the lines above",
                "align this line with the other keys (or `- ` items) of its block")
    if "flow" in context:
        return ("a `[` or `{` opened here is not closed properly",
                "close it with `]` or `}` on the same line, separating the items with commas")
    return (f"YAML syntax error: {problem or exc}" + (f" ({context})" if context else ""),
            "check quotes, colons and indentation here" if "\t" not in line_text
            else "indent with spaces, never tabs")


def _opening_bracket(text: str, before: int) -> tuple[int, int] | None:
    """Line and column of the last `[` or `{` before ``before``: where an unfinished list starts."""
    index = max(text.rfind("[", 0, before), text.rfind("{", 0, before))
    if index < 0:
        return None
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _too_deep(text: str) -> tuple[int, int]:
    """Where nesting first exceeds ``MAX_DEPTH``, found with the (non-recursive) scanner."""
    depth = 0
    opening = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
               yaml.FlowSequenceStartToken)
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    return token.start_mark.line + 1, token.start_mark.column + 1
            elif isinstance(token, closing):
                depth -= 1
    except yaml.YAMLError:
        pass
    return 1, 1


# -- records, read by the schema -----------------------------------------------------------------

KeyReader = Callable[[Reader, Node, str, Key], object | None]


def _sub(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_record(r: Reader, node: Node, path: str, record: Record) -> object | None:
    """One record as ``schema.RECORDS`` states it, or ``None`` when it cannot be made (the problems are in
    ``r``). Every key is read before giving up on a missing required one: every problem in one run."""
    read = _values(r, node, path, record)
    if read is None:
        return None
    m, values = read
    check = _CHECKS.get(record.name)
    if check is not None and not check(r, m, values, path):
        return None
    if record.type is None:
        return values
    made: object = record.type(origin=r.origin(node), **values)
    return made


def _values(r: Reader, node: Node, path: str, record: Record) -> tuple[dict[str, Node], dict[str, object]] | None:
    """The record's mapping and its values by key (defaults for keys left out); ``None`` when the mapping
    or a value the record cannot do without is missing or wrong."""
    m = r.mapping(node, path, record.required, record.optional)
    if m is None:
        return None
    values: dict[str, object] = {}
    complete = True
    for key in record.keys:
        if key.name not in m:
            values[key.name] = key.default
            complete = complete and not key.required
            continue
        value = READERS[key.kind](r, m[key.name], _sub(path, key.name), key)
        complete = complete and (value is not None or not key.fails_record())
        values[key.name] = value
    return (m, values) if complete else None


def _base_iri(r: Reader, node: Node, path: str) -> str | None:
    base = r.iri(node, path)
    if base is not None and not base.endswith(("/", "#")):
        r.problem(node, path, f"`{base}` must end with `/`",
                  "IRIs are made by appending `dataset/<id>` to it; add a trailing slash")
        return None
    return base


def _nested(r: Reader, node: Node, path: str, key: Key) -> object | None:
    return read_record(r, node, path, RECORDS[key.of])


def _each(read: Callable[[Reader, Node, str, Key], object | None]) -> KeyReader:
    """A reader of a list whose items ``read`` reads (items with problems are dropped)."""
    return lambda r, n, p, k: r.items(n, p, lambda item, q: read(r, item, q, k))


READERS: dict[str, KeyReader] = {
    "langtext": lambda r, n, p, k: r.langtext(n, p),
    "langlist": lambda r, n, p, k: r.langlist(n, p),
    "id": lambda r, n, p, k: r.define(k.of, r.identifier(n, p), n, p),
    "ref": lambda r, n, p, k: r.refer(k.of, r.identifier(n, p), n, p),
    "refs": _each(lambda r, n, p, k: r.refer(k.of, r.identifier(n, p), n, p)),
    "iri": lambda r, n, p, k: r.iri(n, p),
    "iris": _each(lambda r, n, p, k: r.iri(n, p)),
    "base_iri": lambda r, n, p, k: _base_iri(r, n, p),
    "email": lambda r, n, p, k: r.email(n, p),
    "date": lambda r, n, p, k: r.date(n, p),
    "bool": lambda r, n, p, k: r.boolean(n, p),
    "code": lambda r, n, p, k: r.choice(n, p, k.codes, k.of),
    "codes": _each(lambda r, n, p, k: r.choice(n, p, k.codes, k.of)),
    "statutes": _each(lambda r, n, p, k: _law(r, n, p)),
    "record": _nested,
    "records": _each(_nested),
    "systems": _each(lambda r, n, p, k: _system(r, n, p)),
    "fields": _each(lambda r, n, p, k: _reviewable(r, n, p)),
}
"""The reader of each kind of key in ``schema.KINDS``: the ``Reader`` methods, and the record readers."""


def _catalog_file(r: Reader, node: Node) -> object | None:
    """``catalog.yaml``: a dictionary of the ``Source`` fields other than the resources."""
    return read_record(r, node, "", schema.CATALOG_FILE)


def _law(r: Reader, node: Node, path: str) -> str | None:
    value = r.text(node, path)
    if value is not None and vocab.law_iri(value) is None:
        r.problem(node, path, f"`{value}` is not a statute number",
                  "write it as number/year, e.g. `906/2019`, or as an ELI IRI")
        return None
    return value


def _system(r: Reader, node: Node, path: str) -> object | None:
    """A system defined here (a mapping) or one defined by another resource (its id)."""
    if isinstance(node, yaml.ScalarNode):
        return r.refer("system", r.identifier(node, path), node, path)
    return read_record(r, node, path, RECORDS["system"])


def _check_period(r: Reader, m: dict[str, Node], values: dict[str, object], path: str) -> bool:
    start, end = values["start"], values["end"]
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        r.problem(m["end"], _sub(path, "end"), f"the period ends ({end}) before it starts ({start})",
                  "swap the dates, or correct the one that is wrong")
        return False
    return True


def _split_systems(values: dict[str, object]) -> None:
    """A resource's ``systems:`` holds definitions and references; the record keeps them apart."""
    items = values["systems"]
    assert isinstance(items, tuple)
    values["systems"] = tuple(s for s in items if isinstance(s, System))
    values["system_refs"] = tuple(s for s in items if isinstance(s, str))


MEMBER = "section member"
"""Mentions of ``<section id>/<resource id>``: defined by a resource's `section:`, referred to by a
section's `resources:` list (checked across records: ``order_problems``)."""
ORDERED = "section order"
"""Defined by a section that lists its resources (`resources:`): every one of them must be listed."""


def _check_section(r: Reader, m: dict[str, Node], values: dict[str, object], path: str) -> bool:
    """A section's `resources:` (the page's order) names each resource once; that they are this section's
    resources, and all of them, is a rule across records (``order_problems``)."""
    node, section, listed = m.get("resources"), values["id"], values["resources"]
    if not isinstance(node, yaml.SequenceNode) or not isinstance(section, str) or not isinstance(listed, tuple):
        return True
    r.define(ORDERED, section, node, _sub(path, "resources"))
    seen: dict[str, Node] = {}
    for j, item in enumerate(node.value):
        if not isinstance(item, yaml.ScalarNode) or item.value not in listed:
            continue  # (reported by the reader)
        where = f"{_sub(path, 'resources')}[{j}]"
        if item.value in seen:
            r.problem(item, where, f"information resource `{short(item.value)}` is listed twice (first on line "
                      f"{seen[item.value].start_mark.line + 1})", "list each resource once, where the page shows it")
            continue
        seen[item.value] = item
        r.refer(MEMBER, f"{section}/{item.value}", item, where)
    return True


_CHECKS: dict[str, Callable[[Reader, dict[str, Node], dict[str, object], str], bool]] = {
    "period": _check_period,
    "section": _check_section,
}
"""What a record needs beyond its keys: a rule across keys (``False``: the record is refused)."""


def _reviewable(r: Reader, node: Node, path: str) -> str | None:
    value = r.text(node, path)
    if value is not None and value not in REVIEWABLE:
        guess = suggest(value, REVIEWABLE)
        r.problem(node, path, f"`{short(value)}` is not a field of a resource record",
                  f"did you mean `{guess}`?" if guess else "name a field such as `keywords` or `datasets.title`")
        return None
    return value


def _resource(r: Reader, node: Node) -> Resource | None:
    read = _values(r, node, "", schema.RESOURCE)
    if read is None:
        return None
    m, values = read
    _split_systems(values)
    make: Callable[..., object] = Resource  # the values are typed by the schema's kinds, not statically
    resource = make(origin=r.origin(node), **values)
    assert isinstance(resource, Resource)
    _check_access(r, m, resource)
    _check_statutes_in_force(r, m, resource)
    r.define(MEMBER, f"{resource.section}/{resource.id}", m["section"], "section")
    return resource


NEEDS_BASIS = ("NON_PUBLIC", "RESTRICTED")


def _check_access(r: Reader, m: dict[str, Node], resource: Resource) -> None:
    """Every NON_PUBLIC or RESTRICTED right names its legal basis: a wrong "non-public" discourages the
    lawful information requests section 28 exists for, so the reason must be stated and checkable."""
    hint = ("name the provision that makes it secret: `access_basis: <id>` of a basis under `access_bases:` "
            "in catalog.yaml (e.g. 621/1999 24 § 1 mom. 25 k.), or state `access_rights: PUBLIC`")
    if resource.access_rights in NEEDS_BASIS and resource.access_basis is None:
        where = m.get("access_rights")
        r.problem(where if where is not None else m.get("id"), "access_rights",
                  f"access rights are {resource.access_rights}"
                  f"{'' if where is not None else ' (the default)'} but no `access_basis` says why", hint)
    for i, part in enumerate(resource.datasets):
        if part.access_rights in NEEDS_BASIS and part.access_basis is None:
            o = part.origin
            r.problems.append(Problem(o.file, o.line, o.column, f"datasets[{i}].access_rights",
                                      f"the data set's access rights are {part.access_rights} but it names no "
                                      "`access_basis`", hint))


def _check_statutes_in_force(r: Reader, m: dict[str, Node], resource: Resource) -> None:
    """A statute is not claimed for records of a period that ended before it came into force."""
    end = resource.period.end if resource.period is not None else None
    if end is None or not resource.legislation:
        return
    for item in r.sequence(m["legislation"], "legislation"):
        statute = str(getattr(item, "value", ""))
        start = vocab.IN_FORCE_FROM.get(statute)
        if start is not None and start > end:
            r.problem(item, "legislation", f"{statute} came into force on {start.isoformat()}, after the period "
                      f"the records cover (it ends {end.isoformat()})",
                      "cite the statute in force during the period instead (e.g. 254/2015 before 703/2023)")


# -- cross-record checks -------------------------------------------------------------------------

ID_SPACES: dict[str, str] = {
    "catalog": "catalogue", "section": "catalogue", "information resource": "dataset",
    "data set": "dataset", "agent": "agent",
    "contact point": "contact point", "service": "service", "system": "system",
    "search criterion": "search criterion", "cross-reference": "cross-reference",
    "access basis": "rights",
}
"""Kinds of record whose ids share one IRI space (``<base>catalog/<id>`` for catalogue and sections)."""

WHERE_DEFINED: dict[str, str] = {
    "section": "under `sections:` in catalog.yaml",
    "agent": "as the `publisher:` or under `agents:` in catalog.yaml",
    "contact point": "as the `contact_point:` in catalog.yaml",
    "search criterion": "under `search_criteria:` in catalog.yaml",
    "system": "under a resource's `systems:` as `- id: ...` with a `name:`",
    "resource system": "in this resource's `systems:` list",
    "access basis": "under `access_bases:` in catalog.yaml",
    "information resource": "as a file in `resources/` (its `id:`)",
}


def cross_check(defined: list[Mention], referred: list[Mention]) -> list[Problem]:
    """Identifiers unique per IRI space and every reference resolving; problems point at the id or the
    reference itself, with its field."""
    problems = order_problems(defined, referred)
    defined = [m for m in defined if m.kind not in (MEMBER, ORDERED)]
    referred = [m for m in referred if m.kind != MEMBER]
    first: dict[tuple[str, str], Mention] = {}
    for m in defined:
        key = (ID_SPACES[m.kind], m.value)
        if key in first:
            f = first[key]
            problems.append(Problem(m.origin.file, m.origin.line, m.origin.column, m.field,
                                    f"id `{m.value}` is already used by the {f.kind} at {f.origin} ({f.field})",
                                    "give each record its own id; ids become IRIs and must be unique"))
        else:
            first[key] = m
    known: dict[str, set[str]] = {}
    for m in defined:
        known.setdefault(m.kind, set()).add(m.value)
    own_systems: dict[str, set[str]] = {}
    for m in [*defined, *referred]:
        if m.kind == "system":
            own_systems.setdefault(m.origin.file, set()).add(m.value)
    for m in referred:
        options = own_systems.get(m.origin.file, set()) if m.kind == "resource system" \
            else known.get(m.kind, set())
        if m.value in options:
            continue
        kind = "system" if m.kind == "resource system" else m.kind
        guess = suggest(m.value, options)
        hint = f"did you mean `{guess}`?" if guess else (
            f"known: {', '.join(sorted(options))}" if options else "none is defined yet")
        message = (f"system `{m.value}` is not one of this resource's systems" if m.kind == "resource system"
                   else f"{kind} `{short(m.value)}` is not defined")
        problems.append(Problem(m.origin.file, m.origin.line, m.origin.column, m.field, message,
                                f"{hint}; define it {WHERE_DEFINED[m.kind]}" if not guess else
                                f"{hint} (or define it {WHERE_DEFINED[m.kind]})"))
    return problems


def order_problems(defined: list[Mention], referred: list[Mention]) -> list[Problem]:
    """A section's `resources:` lists its own information resources, every one of them (the page shows
    them in that order); an id that is no resource at all is reported as an undefined reference."""
    members = {m.value: m for m in defined if m.kind == MEMBER}
    section_of = {value.split("/", 1)[1]: value.split("/", 1)[0] for value in members}
    listed = {m.value for m in referred if m.kind == MEMBER}
    sections = {m.value for m in defined if m.kind == "section"}
    problems: list[Problem] = []
    for m in referred:
        section, ident = m.value.split("/", 1) if m.kind == MEMBER else ("", "")
        own = section_of.get(ident)
        if m.kind == MEMBER and own in sections and own != section:
            o = members[f"{own}/{ident}"].origin
            problems.append(Problem(m.origin.file, m.origin.line, m.origin.column, m.field,
                                    f"information resource `{short(ident)}` is in section `{short(own)}` "
                                    f"({o.file}:{o.line}), not in `{short(section)}`",
                                    f"list it under section `{short(own)}`'s `resources:`, or change its "
                                    "`section:`"))
    for m in defined:
        if m.kind != ORDERED:
            continue
        for value, member in members.items():
            section, ident = value.split("/", 1)
            if section == m.value and value not in listed:
                problems.append(Problem(m.origin.file, m.origin.line, m.origin.column, m.field,
                                        f"information resource `{short(ident)}` of this section "
                                        f"({member.origin.file}) is not listed",
                                        f"add `- {short(ident)}` where the page shows it; `resources:` lists "
                                        "every resource of the section, or is left out (file-name order)"))
    return problems
