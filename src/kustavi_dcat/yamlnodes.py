"""Reading YAML as position-carrying nodes, so every problem can name its file, line and column.

PyYAML's composer keeps a ``start_mark`` on each node; we never let it build Python objects directly,
because that would lose the positions and silently keep the last of two duplicate keys.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import yaml

from kustavi_dcat import hetu
from kustavi_dcat.errors import Problem
from kustavi_dcat.models import LANGUAGES, LangList, LangText, Origin

T = TypeVar("T")

Node = yaml.Node

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
IRI_RE = re.compile(r"^(?:https?|urn|mailto):[^\s<>\"{}|\\^`]+$")


class _NodeLoader(yaml.SafeLoader):
    """A SafeLoader used only for composing nodes (no object construction)."""


def compose(text: str) -> Node | None:
    """Parse YAML text into a node tree; raises ``yaml.YAMLError`` with marks on syntax errors."""
    return yaml.compose(text, Loader=_NodeLoader)  # noqa: S506 - compose builds no objects


@dataclass
class Reader:
    """Walks one file's nodes, turning them into values and collecting problems instead of stopping."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def origin(self, node: Node) -> Origin:
        return Origin(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: Node | None, path: str, message: str, hint: str = "") -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        self.problems.append(Problem(self.file, line, col, path, message, hint))

    # -- structure -------------------------------------------------------------------------------

    def mapping(
        self, node: Node, path: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Node] | None:
        """Return a mapping's values by key; reports duplicates, unknown keys and missing required keys."""
        required = tuple(required)
        known = (*required, *optional)
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping (key: value lines), found {_kind(node)}",
                         f"write the keys {', '.join(known)} indented under it")
            return None
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            sub = f"{path}.{key}" if path else str(key)
            if not isinstance(key, str):
                self.problem(key_node, path, "a key must be a plain word", "write it as `name: value`")
                continue
            if key in out:
                first = out[key].start_mark.line + 1
                self.problem(key_node, sub, f"duplicate key `{key}` (first given on line {first})",
                             "keep one of them; YAML would silently keep only the last")
                continue
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean `{close[0]}`?" if close else f"allowed keys here: {', '.join(known)}"
                self.problem(key_node, sub, f"unknown key `{key}`", hint)
                continue
            out[key] = value_node
        for key in required:
            if key not in out:
                self.problem(node, f"{path}.{key}" if path else key, f"required key `{key}` is missing",
                             f"add `{key}:` to this block")
        return out

    def sequence(self, node: Node, path: str) -> list[Node]:
        """A list's items; a single scalar is accepted as a list of one."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null" and node.value:
            return [node]
        self.problem(node, path, f"expected a list, found {_kind(node)}", "write one `- item` per line")
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
        """A non-empty string, whitespace-trimmed and free of personal identity codes."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.problem(node, path, f"expected text, found {_kind(node)}", "write the text after the colon")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, path, "text is empty", "write the text, or remove the key")
            return None
        if hetu.contains(value):
            self.problem(node, path, "contains a Finnish personal identity code (henkilötunnus)",
                         "remove it: a published catalogue must never carry personal data")
            return None
        return value

    def identifier(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not ID_RE.fullmatch(value):
            self.problem(node, path, f"`{value}` is not a valid identifier",
                         "use lower-case letters a-z, digits and single hyphens, e.g. `varhaiskasvatus`; "
                         "it becomes part of the IRI, so keep it stable")
            return None
        return value

    def iri(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not IRI_RE.fullmatch(value):
            self.problem(node, path, f"`{value}` is not a valid IRI",
                         "write a full address starting with http:// or https://, without spaces")
            return None
        return value

    def email(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None:
            value = value.removeprefix("mailto:")
            if not EMAIL_RE.fullmatch(value):
                self.problem(node, path, f"`{value}` is not a valid e-mail address",
                             "write it as name@example.fi, without `mailto:` or spaces")
                return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in ("true", "yes", "on")
        self.problem(node, path, f"expected true or false, found {_kind(node)}", "write `true` or `false`")
        return None

    def date(self, node: Node, path: str) -> dt.date | None:
        value = self.text(node, path)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(node, path, f"`{value}` is not a date", "write it as YYYY-MM-DD, e.g. 2024-05-31")
            return None

    def choice(self, node: Node, path: str, allowed: Iterable[str], what: str) -> str | None:
        value = self.text(node, path)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(allowed)}"
            self.problem(node, path, f"`{value}` is not a known {what}", hint)
            return None
        return value

    # -- multilingual ----------------------------------------------------------------------------

    def _languages(self, node: Node, path: str) -> dict[str, Node] | None:
        found = self.mapping(node, path, (), LANGUAGES)
        if found is None:
            return None
        if "fi" not in found and not any(p.field.startswith(path + ".") for p in self.problems):
            self.problem(node, f"{path}.fi", "the Finnish text (`fi`) is missing",
                         "add `fi: ...`; a Finnish portal drops a dataset without Finnish text")
        return found

    def langtext(self, node: Node, path: str) -> LangText | None:
        """Text by language: ``{fi: ..., sv: ..., en: ...}``; Finnish is required."""
        if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            self.problem(node, path, "expected texts by language, found plain text",
                         f"write it as `{path.rsplit('.', 1)[-1]}:` with `fi: ...` (and `sv:`, `en:`) indented below")
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


def _kind(node: Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "nothing"
    return f"`{node.value}`"
