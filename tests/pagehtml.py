"""Reading a published page back as a browser's parser sees it: its elements, ids, texts and JSON-LD."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Parsed:
    elements: list[Element] = field(default_factory=list)
    body_text: str = ""

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def ids(self) -> list[str]:
        return [e.attrs["id"] for e in self.elements if "id" in e.attrs]

    def jsonld(self) -> Any:
        scripts = [e for e in self.all("script") if e.attrs.get("type") == "application/ld+json"]
        assert len(scripts) == 1
        return json.loads(scripts[0].text)


class _Reader(HTMLParser):
    RAW = frozenset({"script", "style", "title"})
    VOID = frozenset({"meta", "link", "br", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = Parsed()
        self.open: list[Element] = []
        self.body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.parsed.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data
        if not any(e.tag in self.RAW for e in self.open) and any(e.tag == "body" for e in self.open):
            self.body.append(data)


def parse(page: bytes) -> Parsed:
    reader = _Reader()
    reader.feed(page.decode("utf-8"))
    reader.close()
    reader.parsed.body_text = re.sub(r"\s+", " ", "".join(reader.body))
    return reader.parsed
