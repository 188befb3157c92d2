"""Reading YAML as position-carrying nodes, so every problem can name its file, line and column.

PyYAML's composer keeps a ``start_mark`` on each node; we never let it build Python objects directly,
because that would lose the positions and silently keep the last of two duplicate keys.

Every message is written for a data steward, not a YAML expert: it says what is wrong and how to fix
it, and where a near miss is likely (a typo, a capital letter, a region suffix) it names the intended word.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import yaml

from kustavi_dcat import characters, hetu
from kustavi_dcat.errors import Problem
from kustavi_dcat.models import LANGUAGES, LangList, LangText, Origin

T = TypeVar("T")

Node = yaml.Node

NULL_TAG = "tag:yaml.org,2002:null"
PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp"))
"""Scalars a record may hold; anything else (``!!binary``, ``!custom``) is a tag the steward did not mean."""
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")
IRI_RE = re.compile(r"^(?:https?|urn|mailto):[^\s<>\"{}|\\^`]+$")
"""A quick shape check of an absolute IRI (``iri_hint`` is the loader's fuller check, with advice)."""
PLACEHOLDER_RE = re.compile(r"^TODO\b|\bexample\.invalid\b|/TODO$")
"""Placeholders written by ``init`` and ``import``: a text starting with TODO, the reserved domain
example.invalid (RFC 2606), or an IRI ending in /TODO. Refused so nothing half-made is published."""
IRI_SCHEMES = ("http", "https", "urn", "mailto")
IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")
HOST_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*(?::\d+)?$")
FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOOSE_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
HETU_MESSAGE = "a Finnish personal identity code (henkilötunnus) is written here"
HETU_HINT = ("remove it: a catalogue of personal-data registers must never carry personal data, and the "
             "source is shared as openly as the catalogue")
LANGUAGE_NOTE = "(language tags here are fi, sv and en: lower case, without a region such as -FI)"


class _NodeLoader(yaml.SafeLoader):
    """A SafeLoader used only for composing nodes (no object construction)."""


_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's composer when PyYAML was built with it: several times faster, and it keeps node marks."""


def compose(text: str) -> Node | None:
    """Parse YAML text into a node tree; raises ``yaml.YAMLError`` with marks on syntax errors.

    Composed with libyaml where available; a text libyaml refuses is composed again by the pure-Python
    composer, so that syntax errors are worded as the loader's hints expect. Texts with a tab go to the
    pure-Python composer directly: libyaml accepts a tab after a colon, which that one (rightly) refuses.
    """
    if _FAST_LOADER is not None and "\t" not in text:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_NodeLoader)  # compose builds no objects


def first_alias(text: str) -> tuple[int, int] | None:
    """Line and column of the first alias (``*name``) in ``text``, or ``None`` (also when it does not parse:
    composing reports that). Read event by event, so a file of aliases costs no more than its length."""
    if "*" not in text:
        return None
    loader = (_FAST_LOADER if _FAST_LOADER is not None and "\t" not in text else _NodeLoader)(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def suggest(word: str, options: Iterable[str]) -> str | None:
    """The option a steward most likely meant by ``word``, or ``None``.

    Tried in order: the same word in another case (``FI``), a language tag without its region
    (``fi-FI``), hyphens or spaces for underscores (``search-criteria``), then a near spelling (``titel``).
    """
    by_lower = {o.lower(): o for o in options}
    lowered = word.strip().lower()
    candidates = (lowered, re.split(r"[-_]", lowered, maxsplit=1)[0], re.sub(r"[-\s]+", "_", lowered))
    for candidate in candidates:
        if candidate in by_lower:
            return by_lower[candidate]
    close = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def slug(text: str, max_len: int | None = None) -> str:
    """An identifier made from ``text`` (``ID_RE``): lower case a-z and digits joined by single hyphens.

    Letters lose their marks (ä -> a, ö -> o, å -> a); a slug longer than ``max_len`` is cut at the last
    hyphen that fits (or at ``max_len`` when there is none).
    """
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    s = "-".join(re.findall(r"[a-z0-9]+", plain))
    if max_len is not None and len(s) > max_len:
        s = s[:max_len].rsplit("-", 1)[0] if "-" in s[:max_len] else s[:max_len]
    return s


def short(value: str, limit: int = 60) -> str:
    """A value quoted in a message, cut so one long text does not flood the terminal, and shown safely:
    cut first (never inside a personal identity code), then masked, then its control characters escaped."""
    return characters.shown(hetu.shorten(value, limit))


@dataclass(frozen=True)
class Mention:
    """An identifier defined or referred to at a place in a file (for cross-record checks)."""

    kind: str
    value: str
    origin: Origin
    field: str


@dataclass
class Reader:
    """Walks one file's nodes, turning them into values and collecting problems instead of stopping.

    ``flagged`` holds the start indices of scalars already reported for a personal identity code by the
    whole-text scan, so a code is reported once, at its own column.
    """

    file: str
    problems: list[Problem] = field(default_factory=list)
    flagged: frozenset[int] = frozenset()
    defined: list[Mention] = field(default_factory=list)
    referred: list[Mention] = field(default_factory=list)

    def origin(self, node: Node) -> Origin:
        return Origin(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: Node | None, path: str, message: str, hint: str = "") -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        self.problems.append(Problem(self.file, line, col, path, message, hint))

    def define(self, kind: str, value: str | None, node: Node, path: str) -> str | None:
        """Record that an identifier of ``kind`` is defined here; returns ``value``."""
        if value is not None:
            self.defined.append(Mention(kind, value, self.origin(node), path))
        return value

    def refer(self, kind: str, value: str | None, node: Node, path: str) -> str | None:
        """Record a reference to an identifier of ``kind``; returns ``value``."""
        if value is not None:
            self.referred.append(Mention(kind, value, self.origin(node), path))
        return value

    # -- structure -------------------------------------------------------------------------------

    def mapping(  # noqa: C901 -- one check per kind of key problem, all collected
        self, node: Node, path: str, required: Iterable[str], optional: Iterable[str] = (),
        noun: str = "key", note: str = "",
    ) -> dict[str, Node] | None:
        """Return a mapping's values by key; reports duplicates, unknown keys and missing required keys.

        An unknown key that looks like a missing required one is reported once, as a typo.
        """
        required = tuple(required)
        known = (*required, *optional)
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping (`key: value` lines), found {_kind(node)}",
                         f"write {_or_list(known)} indented below, one `key: value` per line")
            return None
        out: dict[str, Node] = {}
        unknown: list[tuple[Node, str]] = []
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or not key.strip():
                self.problem(key_node, path, "a key must be a plain word", "write it as `name: value`")
                continue
            sub = f"{path}.{key}" if path else key
            if hetu.contains(key) and key_node.start_mark.index not in self.flagged:
                self.problem(key_node, sub, HETU_MESSAGE, HETU_HINT)  # spelt with escapes: the scan missed it
                continue
            if key in out:
                first = out[key].start_mark.line + 1
                self.problem(key_node, sub, f"duplicate {noun} `{key}` (first given on line {first})",
                             "keep one of them; YAML would silently keep only the last")
                continue
            if key not in known:
                unknown.append((key_node, key))
                continue
            out[key] = value_node
        missing = [k for k in required if k not in out]
        typos: set[str] = set()
        for key_node, key in unknown:
            guess = suggest(key, [k for k in known if k not in out])
            if guess is None:
                hint = f"allowed {noun}s here: {', '.join(known)}"
            elif guess in missing:
                typos.add(guess)
                hint = f"did you mean `{guess}`? (`{guess}` is required here)"
            else:
                hint = f"did you mean `{guess}`?"
            sub = f"{path}.{key}" if path else key
            self.problem(key_node, sub, f"unknown {noun} `{key}`", f"{hint} {note}".strip())
        for key in missing:
            if key not in typos:
                self.problem(node, f"{path}.{key}" if path else key, f"required key `{key}` is missing",
                             f"add `{key}:` to the block that starts here")
        return out

    def sequence(self, node: Node, path: str) -> list[Node]:
        """A list's items; a single scalar is accepted as a list of one."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG and node.value:
            return [node]
        self.problem(node, path, f"expected a list, found {_kind(node)}",
                     "write one `- item` per line below it, or `[a, b]`")
        return []

    def items(self, node: Node, path: str, read: Callable[[Node, str], T | None]) -> tuple[T, ...]:
        """Read each list item with ``read``, dropping the ones that had problems."""
        out = []
        for i, item in enumerate(self.sequence(node, path)):
            value = read(item, f"{path}[{i}]")
            if value is not None:
                out.append(value)
        return tuple(out)

    # -- scalars ---------------------------------------------------------------------------------

    def text(self, node: Node, path: str) -> str | None:
        """A non-empty string, whitespace-trimmed and free of personal identity codes.

        Codes written literally are found by the whole-file scan; this catches the ones spelled with
        YAML escapes (``\\u0054``), which only the parsed value shows.
        """
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
            self.problem(node, path, f"expected text, found {_kind(node)}", "write the text after the colon")
            return None
        if node.tag not in PLAIN_TAGS:
            self.problem(node, path, f"the YAML tag `{node.tag.removeprefix('tag:yaml.org,2002:')}` is not allowed "
                         "here", "remove the tag (the part starting with !) and write the value as plain text")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, path, "text is empty", "write the text, or remove the key")
            return None
        if (bad := _invisible(value)) is not None:
            # Written as a YAML escape ("\x01", "\r", "\ud800"): the file is clean, the value is not.
            self.problem(node, path, f"the text holds a control character (U+{ord(bad):04X})",
                         "remove it (and the escape that writes it); such characters break RDF/XML and are "
                         "invisible to readers")
            return None
        if (bad := characters.first_not_allowed(value)) is not None:
            self.problem(node, path, f"the text holds U+{ord(bad):04X}, a character that is not allowed in XML "
                         "(a non-character or a control character)",
                         "remove it (and the escape that writes it): RDF/XML with it is not well-formed, so a "
                         "harvester would read nothing")
            return None
        if characters.blank(value):
            shown = " ".join(f"U+{ord(ch):04X}" for ch in value[:8]) + (" ..." if len(value) > 8 else "")
            self.problem(node, path, f"text is empty: it holds only invisible characters ({shown})",
                         "write the text, or remove the key")
            return None
        if PLACEHOLDER_RE.search(value):
            self.problem(node, path, f"`{short(value)}` is a placeholder still to be filled in",
                         "write the real value here (placeholders start with TODO or use example.invalid)")
            return None
        if hetu.contains(value) and node.start_mark.index not in self.flagged:
            self.problem(node, path, HETU_MESSAGE, HETU_HINT)
            return None
        return value

    def identifier(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not ID_RE.fullmatch(value):
            proposal = slug(value)
            hint = f"did you mean `{proposal}`? " if proposal else ""
            self.problem(node, path, f"`{short(value)}` is not a valid identifier",
                         f"{hint}use lower-case letters a-z, digits and single hyphens; "
                         "it becomes part of the IRI, so keep it stable")
            return None
        return value

    def iri(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and (hint := iri_hint(value)) is not None:
            self.problem(node, path, f"`{short(value)}` is not a valid IRI", hint)
            return None
        return value

    def email(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None:
            value = value.removeprefix("mailto:")
            if not EMAIL_RE.fullmatch(value):
                fixed = re.sub(r"\s*(?:\(at\)|\[at\]|\sat\s)\s*", "@", value).strip()
                guess = fixed != value and EMAIL_RE.fullmatch(fixed)
                self.problem(node, path, f"`{short(value)}` is not a valid e-mail address",
                             f"did you mean `{fixed}`?" if guess else "write it as name@example.fi, without spaces")
                return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in ("true", "yes", "on")
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
        self.problem(node, path, f"expected true or false, found {_kind(node)}",
                     "write `true` or `false`" + (" without quotes" if quoted else ""))
        return None

    def date(self, node: Node, path: str) -> dt.date | None:
        value = self.text(node, path)
        if value is None:
            return None
        if ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(node, path, f"`{short(value)}` is not a date", date_hint(value))
        return None

    def choice(self, node: Node, path: str, allowed: Iterable[str], what: str) -> str | None:
        value = self.text(node, path)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            guess = suggest(value, allowed)
            hint = f"did you mean `{guess}`?" if guess else f"use one of: {', '.join(allowed)}"
            self.problem(node, path, f"`{short(value)}` is not a known {what}", hint)
            return None
        return value

    # -- multilingual ----------------------------------------------------------------------------

    def _languages(self, node: Node, path: str) -> dict[str, Node] | None:
        before = len(self.problems)
        found = self.mapping(node, path, (), LANGUAGES, noun="language tag", note=LANGUAGE_NOTE)
        if found is None:
            return None
        if "fi" not in found and len(self.problems) == before:
            self.problem(node, f"{path}.fi", "the Finnish text (`fi`) is missing",
                         "add `fi: ...`; a Finnish portal drops a dataset without Finnish text")
        return found

    def langtext(self, node: Node, path: str) -> LangText | None:
        """Text by language: ``{fi: ..., sv: ..., en: ...}``; Finnish is required."""
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
            self.problem(node, path, "expected texts by language, found plain text",
                         f"write it as `{path.rsplit('.', 1)[-1]}:` with `fi: ...` (and `sv:`, `en:`) "
                         "indented below")
            return None
        found = self._languages(node, path)
        if found is None:
            return None
        values = {lang: self.text(n, f"{path}.{lang}") for lang, n in found.items()}
        if any(v is None for v in values.values()) or "fi" not in values:
            return None
        return LangText.of(**{k: v for k, v in values.items() if v is not None})

    def langlist(self, node: Node, path: str) -> LangList | None:
        """Words by language: ``{fi: [..], sv: [..]}``."""
        found = self._languages(node, path)
        if found is None:
            return None
        out = {lang: [w for w in self.items(n, f"{path}.{lang}", self.text)] for lang, n in found.items()}
        return LangList.of(**out)


def iri_hint(value: str) -> str | None:
    """How to fix ``value`` as an IRI, or ``None`` when it is a usable absolute IRI."""
    generic = "write a full address starting with https:// (or http://), without spaces"
    if IRI_FORBIDDEN.search(value):
        if value.startswith(("http://", "https://")):
            return "remove the spaces and the characters <>\"{}|\\^` (write a space inside an address as %20)"
        return generic
    if value.lower().startswith("www."):
        return f"did you mean `https://{value}`?"
    scheme, sep, rest = value.partition(":")
    if not sep or scheme.lower() not in IRI_SCHEMES:
        if re.match(r"^https?//", value):
            return f"did you mean `{value.replace('//', '://', 1)}`?"
        return generic
    if scheme.lower() in ("http", "https"):
        parts = urlsplit(value)
        if not rest.startswith("//") or not parts.netloc or not HOST_RE.fullmatch(parts.netloc):
            return f"write `{scheme}://` followed by the host name, e.g. {scheme}://www.example.fi/"
    elif not rest:
        return generic
    return None


def date_hint(value: str) -> str:
    """How to write ``value`` as a date, naming the intended date where it can be read."""
    parts = None
    if (m := FINNISH_DATE.fullmatch(value)) is not None:
        parts = (m.group(3), m.group(2), m.group(1))
    elif (m := LOOSE_ISO_DATE.fullmatch(value)) is not None:
        parts = (m.group(1), m.group(2), m.group(3))
    if parts is not None:
        try:
            intended = dt.date(*(int(p) for p in parts))
            return f"did you mean `{intended.isoformat()}`? dates are written YYYY-MM-DD"
        except ValueError:
            pass
    if ISO_DATE.fullmatch(value):
        return "no such day in the calendar; check the month and the day (YYYY-MM-DD)"
    return "write it as YYYY-MM-DD, e.g. 2024-05-31"


def _or_list(words: tuple[str, ...]) -> str:
    shown = [f"`{w}:`" for w in words[:6]]
    return ", ".join(shown) + (", ..." if len(words) > 6 else "")


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Unicode's control characters (category Cc) other than tab and line feed, and lone surrogates (Cs)."""


def _invisible(value: str) -> str | None:
    """The first control character (other than tab and line feed) or lone surrogate in ``value``."""
    found = _INVISIBLE.search(value)
    return None if found is None else found.group()


def _kind(node: Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing"
    return f"`{short(str(node.value), 40)}`"


# -- whole-file checks -----------------------------------------------------------------------------


def scalar_paths(root: Node | None) -> list[tuple[int, int, str]]:
    """Every scalar (keys too) as ``(start index, end index, field path)``; aliases are walked once."""
    out: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    stack: list[tuple[Node, str]] = [(root, "")] if root is not None else []
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            out.append((node.start_mark.index, node.end_mark.index, path))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                sub = f"{path}.{name}" if path else name
                stack.append((key, sub))
                stack.append((value, sub))
    return out


def mask_personal_codes(problem: Problem) -> Problem:
    """The problem with every personal identity code in its field, message or hint replaced, so that
    reporting a code (as an unknown key, say) never copies it to a terminal or a CI log."""

    mask = hetu.redact
    return Problem(mask(problem.file), problem.line, problem.column, mask(problem.field),
                   mask(problem.message), mask(problem.hint))


def personal_codes(file: str, text: str, root: Node | None) -> tuple[list[Problem], frozenset[int]]:
    """Problems for each valid personal identity code anywhere in ``text``, comments included.

    Each is reported at the code's own line and column, with the field it is written in when the text
    parsed. Also returns the start indices of the scalars reported, so they are not reported twice.
    """
    problems: list[Problem] = []
    flagged: set[int] = set()
    scalars: list[tuple[int, int, str]] | None = None
    for found in hetu.find(text):
        if scalars is None:
            scalars = scalar_paths(root)
        offset = found.start
        inside = [s for s in scalars if s[0] <= offset < s[1]]
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        if inside:
            start, _, path = max(inside)
            flagged.add(start)
            where = ""
        elif root is not None:
            path, where = "", " (in a comment)"
        else:
            path, where = "", ""
        problems.append(Problem(file, line, column, path,
                                HETU_MESSAGE + where, HETU_HINT))
    return problems, frozenset(flagged)
