"""Import stage: a description page written in the common template becomes source records.

The template (the Kustavi page is one): a page title, an optional subtitle, an intro; the paragraph
"Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla" with its statement; optional
cross-references (a heading and a "Katso ..." line); then per information resource its name, its purpose
text and the blocks "Tietoaineistot", "Tietojärjestelmät" and "Hakutekijät, joilla asiakirjoja on
mahdollista hakea". Lists may be numbered, bulleted or plain (one entry per line).

Two promises: every non-blank line of the text ends up in a record or in an error that names its line
(a line that fits nowhere stops the import: nothing is written, so nothing is lost silently); and
nothing is invented: what the text does not say comes from options or is written as a placeholder
that the loader refuses until a steward fills it in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kustavi_dcat import characters, hetu
from kustavi_dcat.errors import KustaviError, Problem, SourceError
from kustavi_dcat.source import schema, yamlnodes
from kustavi_dcat.source.scaffold import write_tree
from kustavi_dcat.source.schema import MUNICIPALITY_CODES, TODO, placeholder
from kustavi_dcat.source.yamlnodes import EMAIL_RE, HETU_HINT, HETU_MESSAGE, iri_hint

MAX_TEXT_BYTES = 2 * 1024 * 1024
"""A description page is a few kilobytes; anything this large is the wrong file."""

MAX_HEADING_WORDS = 12
"""A line of at most this many words, not ending like a sentence, reads as a heading."""


# -- lines ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One non-blank line: its number, its text (whitespace normalised, numbering removed)."""

    no: int
    text: str
    item: bool  # had a number ("1.", "1)") or a bullet ("-", "•")
    gap: bool  # a blank line comes before it
    indent: int


_ITEM_RE = re.compile(r"^(?:\(?\d{1,3}[.)]|[-\u2013\u2014\u2022*\u00b7\u25aa])\s+(?P<rest>\S.*)$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalise(raw: str) -> str:
    """Collapse every kind of whitespace (tabs, U+00A0 and other Unicode spaces) to single spaces."""
    return " ".join(raw.translate(_INVISIBLE).split())


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text``; a line of only (non-breaking) spaces counts as blank."""
    out: list[Line] = []
    gap = False
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        clean = normalise(raw)
        if not clean:
            gap = True
            continue
        indent = len(raw) - len(raw.lstrip(" \t\u00a0"))
        m = _ITEM_RE.match(clean)
        out.append(Line(no, m.group("rest") if m else clean, m is not None, gap, indent))
        gap = False
    return out


def _key(text: str) -> str:
    return text.lower().rstrip(" :")


def is_sentence(text: str) -> bool:
    return text.endswith((".", "!", "?", "…"))


def is_heading(line: Line) -> bool:
    """Short and not ending like a sentence: a title, a name, a list entry."""
    return not is_sentence(line.text) and len(line.text.split()) <= MAX_HEADING_WORDS


def _heading_kind(text: str) -> str | None:
    """Which template heading ``text`` is, if any; tolerant of case, a colon and small wording changes."""
    if is_sentence(text):
        return None
    k = _key(text)
    words = len(k.split())
    if re.match(r"^(?:tietoaineistojen |tietojen |aineistojen )?saatavuus\b", k):
        return "interface"
    if words <= 4 and re.match(r"^tietoaineisto(?:t|ryhmät)?\b", k):
        return "datasets"
    if words <= 4 and re.match(r"^tietojärjestelmä(?:t)?\b", k):
        return "systems"
    if re.match(r"^hakutekijä(?:t)?\b", k):
        return "search"
    if words <= MAX_HEADING_WORDS and k.endswith("tietovaranto"):
        return "resource"
    return None


def _is_see(text: str) -> bool:
    return re.match(r"^(?:katso|ks\.)\s", text.lower()) is not None


# -- what the page says --------------------------------------------------------------------------


@dataclass
class Prose:
    text: str
    first: int
    last: int


@dataclass
class Entry:
    text: str
    line: int


@dataclass
class SearchBlock:
    line: int
    statement: Prose | None = None
    items: list[Entry] = field(default_factory=list)


@dataclass
class ResourceBlock:
    title: str
    line: int
    last: int
    purpose: Prose | None = None
    datasets: list[Entry] | None = None
    systems: list[Entry] | None = None
    search: SearchBlock | None = None
    interface: Prose | None = None


@dataclass
class CrossRefBlock:
    documents: str
    see: str
    line: int


@dataclass
class Page:
    """The page as read, before any record exists: Finnish texts and line numbers."""

    title: str
    subtitle: str | None
    intro: Prose | None
    interface: Prose | None = None
    cross_references: list[CrossRefBlock] = field(default_factory=list)
    resources: list[ResourceBlock] = field(default_factory=list)


# -- parsing -------------------------------------------------------------------------------------


class _Parser:
    """A cursor over the lines; each block reader marks the lines it places."""

    def __init__(self, lines: list[Line], name: str) -> None:
        self.lines = lines
        self.name = name
        self.i = 0
        self.placed: set[int] = set()
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- cursor ----------------------------------------------------------------------------------

    def at(self, j: int) -> Line | None:
        return self.lines[j] if 0 <= j < len(self.lines) else None

    def take(self) -> Line:
        line = self.lines[self.i]
        self.placed.add(line.no)
        self.i += 1
        return line

    def problem(self, line: Line, message: str, hint: str) -> None:
        self.placed.add(line.no)
        self.problems.append(Problem(self.name, line.no, 1, "", message, hint))

    def warn(self, line_no: int, message: str, hint: str = "") -> None:
        self.warnings.append(Problem(self.name, line_no, 1, "", message, hint))

    def start(self, j: int, weak: bool) -> str | None:
        """The block that line ``j`` opens, if any.

        Strong starts are template headings and a heading followed by a "Katso" line. A *weak* start, a
        short heading followed by a sentence, opens an information resource whose name does not end in
        "tietovaranto"; it is not looked for inside a data-set list, whose entries may be sentences.
        """
        line = self.at(j)
        if line is None:
            return None
        kind = _heading_kind(line.text)
        if kind is not None:
            return kind
        if _is_see(line.text):
            return "see"
        nxt = self.at(j + 1)
        if nxt is None or not is_heading(line):
            return None
        if _is_see(nxt.text):
            return "crossref"
        if weak and not nxt.item and _heading_kind(nxt.text) is None and not is_heading(nxt):
            return "resource"
        return None

    # -- blocks ----------------------------------------------------------------------------------

    def prose(self) -> Prose | None:
        """A paragraph or more: lines until the next block; a blank line keeps paragraphs apart.

        The first line after a heading is its text even if it is short: only a template heading (a
        strong start) stops it.
        """
        parts: list[str] = []
        first = last = 0
        while (line := self.at(self.i)) is not None:
            if line.item or self.start(self.i, weak=bool(parts)) is not None:
                break
            if parts and line.gap and is_heading(line):
                break  # a stray heading: left for the caller to report
            self.take()
            if not parts:
                first = line.no
            parts.append(("\n\n" if line.gap and parts else " " if parts else "") + line.text)
            last = line.no
        return Prose("".join(parts), first, last) if parts else None

    def entries(self, weak_end: bool) -> list[Entry]:
        """A list: numbered/bulleted if its first entry is (then every entry must be), else one per line."""
        out: list[Entry] = []
        first = self.at(self.i)
        numbered = first is not None and first.item
        while (line := self.at(self.i)) is not None:
            if self.start(self.i, weak=weak_end) is not None:
                break
            if numbered and not line.item:
                prev = self.at(self.i - 1)
                if out and prev is not None and not line.gap and line.indent > prev.indent:
                    self.take()
                    out[-1] = Entry(f"{out[-1].text} {line.text}", out[-1].line)
                    continue
                if line.gap:
                    break  # the list has ended; what follows is another block, or reported as unplaceable
                self.problem(line, "a line without a number inside a numbered list",
                             "number it if it is an entry of the list, or move it to where it belongs")
                self.i += 1
                continue
            self.take()
            out.append(Entry(line.text, line.no))
        return out

    def page(self) -> Page:
        title_line = self.take()
        if _heading_kind(title_line.text) not in (None, "resource") or title_line.item:
            self.problem(title_line, "the text should begin with the page title",
                         "put the page title (e.g. Sosiaalipalveluiden tietovarannot) on the first line")
        page = Page(title=title_line.text.rstrip(" :"), subtitle=None, intro=None)
        self.header(page)
        current: ResourceBlock | None = None
        while (line := self.at(self.i)) is not None:
            kind = self.start(self.i, weak=True)
            if kind == "resource":
                current = self.resource()
                page.resources.append(current)
            elif kind == "crossref":
                page.cross_references.append(self.cross_reference())
            elif kind == "interface":
                self.interface(page, current)
            elif kind in ("datasets", "systems", "search") and current is not None:
                self.resource_part(current, kind)
            elif kind in ("datasets", "systems", "search"):
                self.problem(line, f"`{line.text}` comes before any information resource",
                             "put the name of the information resource (e.g. Varhaiskasvatuksen "
                             "tietovaranto) and its purpose text above it")
                self.i += 1
            elif kind == "see":
                self.problem(line, "a `Katso` line without a heading naming the documents",
                             "put the documents it refers to on the line above, e.g. Esityslistat ja "
                             "pöytäkirjat")
                self.i += 1
            else:
                self.problem(line, f"cannot tell where `{_short(line.text)}` belongs",
                             "make it a heading the template knows (Tietoaineistot, Tietojärjestelmät, "
                             "Hakutekijät, ...), a list entry under one, or remove it")
                self.i += 1
            if current is not None and self.i > 0:
                current.last = self.lines[self.i - 1].no
        return page

    def header(self, page: Page) -> None:
        """Subtitle (a heading before any intro) and intro paragraphs, up to the first block."""
        while (line := self.at(self.i)) is not None:
            if self.start(self.i, weak=page.intro is not None) is not None:
                return
            if page.subtitle is None and page.intro is None and is_heading(line) and not line.item:
                page.subtitle = self.take().text.rstrip(" :")
                continue
            if line.item:
                self.problem(line, "a list entry in the page introduction",
                             "lists belong under Tietoaineistot or Tietojärjestelmät of a resource")
                self.i += 1
                continue
            prose = self.prose()
            if prose is None:
                self.problem(line, f"cannot tell where `{_short(line.text)}` belongs",
                             "the page should begin with its title, a subtitle and an intro paragraph")
                self.i += 1
            elif page.intro is None:
                page.intro = prose
            else:
                page.intro = Prose(f"{page.intro.text}\n\n{prose.text}", page.intro.first, prose.last)

    def resource(self) -> ResourceBlock:
        heading = self.take()
        block = ResourceBlock(title=heading.text.rstrip(" :"), line=heading.no, last=heading.no)
        block.purpose = self.prose()
        if block.purpose is None:
            self.problem(heading, f"information resource `{block.title}` has no purpose text",
                         "write the purpose of the resource (its tarkoitus) on the line after its name")
        return block

    def resource_part(self, block: ResourceBlock, kind: str) -> None:
        heading = self.take()
        if kind == "search":
            if block.search is not None:
                self.problem(heading, f"a second `{heading.text}` block for `{block.title}`",
                             "merge the two blocks into one")
            block.search = self.search(heading)
            return
        entries = self.entries(weak_end=(kind == "systems"))
        what = "Tietoaineistot" if kind == "datasets" else "Tietojärjestelmät"
        if getattr(block, kind) is not None:
            self.problem(heading, f"a second {what} block for `{block.title}`", "merge the two lists into one")
        elif not entries:
            self.problem(heading, f"{what} of `{block.title}` lists nothing",
                         "write one entry per line below the heading")
        setattr(block, kind, entries)

    def search(self, heading: Line) -> SearchBlock:
        found = SearchBlock(line=heading.no)
        while (line := self.at(self.i)) is not None:
            if line.item and self.start(self.i, weak=False) is None:
                self.take()
                found.items.append(Entry(line.text, line.no))
                continue
            if found.statement is not None or found.items:
                break
            found.statement = self.prose()
            if found.statement is None:
                break
        if found.statement is None and not found.items:
            self.problem(heading, "the search criteria heading has no sentence or list below it",
                         "write the sentence, e.g. Tietopyynnöissä voidaan käyttää hakutekijöinä "
                         "esimerkiksi henkilön nimeä, henkilötunnusta.")
        return found

    def interface(self, page: Page, current: ResourceBlock | None) -> None:
        heading = self.take()
        statement = self.prose()
        if statement is None:
            self.problem(heading, "the technical-interface heading has no statement below it",
                         "write whether the data is openly available through a technical interface")
            return
        if current is None:
            if page.interface is not None:
                self.problem(heading, "a second technical-interface statement for the page",
                             "keep one, or move it below the information resource it is about")
                return
            page.interface = statement
        else:
            if current.interface is not None:
                self.problem(heading, f"a second technical-interface statement for `{current.title}`",
                             "keep one")
                return
            current.interface = statement

    def cross_reference(self) -> CrossRefBlock:
        heading = self.take()
        see = self.take()
        return CrossRefBlock(heading.text.rstrip(" :"), see.text, heading.no)

    def unplaced(self) -> Iterator[Line]:
        return (line for line in self.lines if line.no not in self.placed)


def _short(text: str, n: int = 60) -> str:
    """A line quoted in a message: cut (never inside a personal identity code), masked, then escaped."""
    return characters.shown(hetu.shorten(text, n))


def parse_page(text: str, name: str) -> tuple[Page, list[Problem]]:
    """Read the page; returns it with warnings, or raises ``SourceError`` listing every line it cannot place."""
    lines = split_lines(text)
    if not lines:
        raise SourceError([Problem(name, 1, 1, "", "the text is empty",
                                   "give the description page as plain text (copy it from the web page)")])
    problems = [Problem(name, line.no, 1, "", HETU_MESSAGE, HETU_HINT)
                for line in lines if hetu.contains(line.text)]
    parser = _Parser(lines, name)
    page = parser.page()
    for line in parser.unplaced():  # a safety net: the block readers should have placed or reported all
        parser.problem(line, f"`{_short(line.text)}` was not placed", "report this text to the maintainers")
    problems.extend(parser.problems)
    if page.intro is None:
        problems.append(Problem(name, 1, 1, "", "the page has no intro paragraph",
                                "write a sentence or two under the title about what the page covers"))
    if problems:
        raise SourceError(problems)
    if page.interface is None and not any(r.interface for r in page.resources):
        parser.warn(1, "the page says nothing about availability through a technical interface",
                    "section 28 asks for it; add `technical_interface` to the section in catalog.yaml")
    for r in page.resources:
        for what, value in (("Tietoaineistot", r.datasets), ("Tietojärjestelmät", r.systems),
                            ("Hakutekijät", r.search)):
            if value is None:
                parser.warn(r.line, f"`{r.title}` has no {what} block", "section 28 asks for it")
    return page, parser.warnings


# -- deciding what the texts mean ----------------------------------------------------------------

_NEGATION = {"ei", "eivät", "eikä", "eivätkä", "en", "et", "emme", "ette", "ilman"}
_PARTIAL = {"osa", "osaa", "osasta", "osittain", "osin", "osaksi", "joitakin", "jotkin", "jotkut", "eräät",
            "eräitä", "vain", "ainoastaan", "paitsi", "lukuun"}
_RESTRICTED = re.compile(r"tunnistautu|kirjautu|ammattilais|viranomais|luvalla|luvan|sopimukse|pyynnöst|rajoitet")
"""Available only to some, or on conditions: not open, whatever else the sentence says."""
_OPEN = re.compile(r"avoime|avoin")
_AVAILABLE = re.compile(r"saatavi|saatavana|julkaist")


def interface_openness(statement: str) -> tuple[bool, str]:
    """``open`` for a technical-interface statement, and how it was read: "no", "yes", "partly", "unclear".

    Read clause by clause: a clause with a negation ("eivät ole saatavissa", "ilman avointa rajapintaa")
    says closed; one that says the data is *openly* available ("ovat saatavissa avoimesti") without a
    negation says open. Only an all-open statement gives ``True``. Available without the word open, or
    only to some users ("tunnistautuneille", "ammattilaisille"), is unclear and gives ``False``; so does
    a partly open statement (open and closed clauses, or words like "osa", "vain"), since claiming the
    whole page open would label closed data open. The statement itself is always kept as written.
    """
    lowered = statement.lower()
    if set(re.findall(r"\w+", lowered)) & _PARTIAL:
        return False, "partly"
    readings = set()
    for clause in re.split(r"[;,.:!?]|\s(?:mutta|kun taas|sen sijaan)\s", lowered):
        if set(re.findall(r"\w+", clause)) & _NEGATION:
            readings.add("no")
        elif _RESTRICTED.search(clause):
            readings.add("restricted")
        elif _OPEN.search(clause):
            readings.add("yes")
        elif _AVAILABLE.search(clause):
            readings.add("available")
    if "no" in readings and readings & {"yes", "available"}:
        return False, "partly"
    if readings == {"yes"}:
        return True, "yes"
    if readings == {"no"}:
        return False, "no"
    return False, "unclear"


@dataclass(frozen=True)
class KnownCriterion:
    id: str
    fi: str
    sv: str
    en: str
    pattern: re.Pattern[str]


KNOWN_CRITERIA: tuple[KnownCriterion, ...] = (
    KnownCriterion("henkilon-nimi", "henkilön nimi", "personens namn", "person's name",
                   re.compile(r"^(?:henkilön |henkilöiden |asiakkaan )?nim(?:i|eä|en|ellä|et|iä)$")),
    KnownCriterion("henkilotunnus", "henkilötunnus", "personbeteckning", "personal identity code",
                   re.compile(r"^(?:henkilötunnu(?:s|sta|ksen|ksella|kset|ksia)|hetu)$")),
)
"""Search criteria the tool knows by name; their Swedish and English labels are plain translations."""

_ENUMERATIONS = (
    re.compile(r"\b(?:esimerkiksi|esim\.|kuten)\s+(.+)", re.IGNORECASE),
    re.compile(r"\b(?:hakutekijöinä|hakutekijänä|hakuehtoina)\s+(.+)", re.IGNORECASE),
)


def known_criterion(phrase: str) -> KnownCriterion | None:
    key = normalise(phrase).lower().strip(" .,;:")
    return next((c for c in KNOWN_CRITERIA if c.pattern.match(key)), None)


def criteria_phrases(statement: str) -> list[str] | None:
    """The enumerated criteria of a sentence like "... hakutekijöinä esimerkiksi X, Y ja Z."; ``None``
    when the sentence has no recognisable enumeration."""
    m = next((m for r in _ENUMERATIONS if (m := r.search(statement)) is not None), None)
    if m is None:
        return None
    tail = m.group(1)
    tail = re.split(r"(?<!esim)\.(?:\s|$)", tail, maxsplit=1)[0]
    parts = re.split(r",|\s+(?:ja|tai|sekä)\s+", tail)
    return [p.strip(" .;:") for p in parts if p.strip(" .;:")]


_EDUC = re.compile(r"varhaiskasvat|opetu|koulu|oppila|lukio|kirjast|kulttuur|liikun|museo")
_HEAL = re.compile(r"tervey")
_SOCI = re.compile(r"sosiaali|vanhus|ikäihmi|ikääntyn|omaishoi|kotihoi|perhetyö|lastensuojel|toimeentulo|"
                   r"vammais|palveluasu")


def themes_for(resource_texts: str, system_texts: str, page_texts: str) -> list[str]:
    """EU data themes by a documented rule (README, `import`): EDUC for early childhood education,
    teaching, libraries and culture; HEAL when the resource's own texts or a system name health
    (terveys); SOCI for social services (on the page or in the resource) and whenever nothing else
    applies. Data-set titles are not read: a data set mentioning health does not make a resource HEAL."""
    own = f"{resource_texts} {system_texts}".lower()
    themes = []
    if _EDUC.search(own):
        themes.append("EDUC")
    if _HEAL.search(own):
        themes.append("HEAL")
    if _SOCI.search(own) or _SOCI.search(page_texts.lower()) or not themes:
        themes.append("SOCI")
    return themes


def split_system(text: str) -> tuple[str, str | None]:
    """``Daisy (varhaiskasvatus)`` and ``Pro Consona / Sosiaalityöjärjestelmä``: a name and a description."""
    text = text.rstrip(" .;")
    if (m := re.fullmatch(r"(.+?)\s*\((.+)\)", text)) is not None:
        return m.group(1).strip(), m.group(2).strip()
    for sep in (" / ", " \u2013 ", " \u2014 ", " - "):  # slash, en dash, em dash, hyphen
        if sep in text:
            name, desc = text.split(sep, 1)
            return name.strip(), desc.strip()
    return text, None


_STATUTE = re.compile(r"(?<![\d/])(\d{1,4})/((?:18|19|20)\d{2})(?![\d/])")

def slug(text: str, max_len: int = 60) -> str:
    """A readable identifier from a Finnish title (``yamlnodes.slug``, the loader's own rule), cut to 60."""
    return yamlnodes.slug(text, max_len)


class _Ids:
    """Identifiers unique in one namespace: a clash gets ``-2``, ``-3``, ..."""

    def __init__(self, *taken: str) -> None:
        self.taken = set(taken)

    def new(self, base: str, fallback: str) -> str:
        base = base or fallback
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident


# -- records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Facts the text does not state; each left ``None`` becomes a placeholder."""

    base_iri: str | None = None
    publisher_name: str | None = None
    email: str | None = None
    homepage: str | None = None
    municipality_code: str | None = None
    municipality_name: str | None = None
    access_basis: str | None = None
    """The legal basis of the records' secrecy, naming the provisions (the page does not say it)."""


@dataclass(frozen=True)
class Counts:
    resources: int
    datasets: int
    systems: int
    search_criteria: int
    cross_references: int


@dataclass(frozen=True)
class Records:
    """The YAML files to write, what was read, and what still needs a steward."""

    files: dict[str, str]
    counts: Counts
    warnings: tuple[Problem, ...]
    placeholders: tuple[str, ...]


def _fi(text: str) -> dict[str, str]:
    return {"fi": text}


class _Builder:
    """Page -> YAML records; ids are minted here, unique per kind, from the Finnish titles."""

    def __init__(self, page: Page, options: Options, name: str) -> None:
        self.page = page
        self.options = options
        self.name = name
        self.warnings: list[Problem] = []
        self.placeholders: list[str] = []
        self.ids = _Ids("tietovarannot")
        self.section_id = self.ids.new(slug(page.title), "sivu")
        self.system_ids = _Ids()
        self.system_by_name: dict[str, str] = {}
        self.order: list[str] = []
        """The resources' ids in the order the page lists them (written as the section's `resources:`)."""
        self.criteria: dict[str, dict[str, Any]] = {}

    def warn(self, line: int, message: str, hint: str = "") -> None:
        self.warnings.append(Problem(self.name, line, 1, "", message, hint))

    def option(self, value: str | None, placeholder: str, what: str) -> str:
        if value is not None:
            return value
        self.placeholders.append(what)
        return placeholder

    # -- catalog.yaml ----------------------------------------------------------------------------

    def interface(self, prose: Prose) -> dict[str, Any]:
        is_open, reading = interface_openness(prose.text)
        if reading == "partly":
            self.warn(prose.first, "the technical-interface statement says part of the data is open; "
                      "wrote `open: false`", "set `technical_interface: {open: true, ...}` on the resources "
                      "that are open")
        elif reading == "unclear":
            self.warn(prose.first, "cannot tell from the technical-interface statement whether the data is "
                      "open; wrote `open: false`", "check `technical_interface.open`")
        elif reading == "yes":
            self.warn(prose.first, "the statement says the data is open through a technical interface; wrote "
                      "`open: true` and kept `access_rights: NON_PUBLIC`",
                      "check with the data's owner that it really is open; the access rights stay as they are "
                      "until the owner decides")
        return {"open": is_open, "statement": _fi(prose.text)}

    def section(self) -> dict[str, Any]:
        page = self.page
        assert page.intro is not None, "parse_page refuses a page without an intro"
        out: dict[str, Any] = {"id": self.section_id, "source_page": {"title": _fi(page.title)},
                               "title": _fi(page.title)}
        if page.subtitle is not None:
            out["subtitle"] = _fi(page.subtitle)
        out["description"] = _fi(page.intro.text)
        if page.interface is not None:
            out["technical_interface"] = self.interface(page.interface)
        refs = _Ids()
        if page.cross_references:
            out["cross_references"] = [
                {"id": refs.new(slug(ref.see.split(None, 1)[-1].rsplit(",", 1)[-1]), "viittaus"),
                 "documents": _fi(ref.documents), "see": _fi(ref.see)}
                for ref in page.cross_references
            ]
        if self.order:
            out["resources"] = list(self.order)
        return out

    def catalog_file(self) -> dict[str, Any]:
        o = self.options
        name = self.option(o.publisher_name, placeholder("agent", "name"), "publisher name (--publisher-name)")
        email = self.option(o.email, placeholder("agent", "email"), "e-mail address (--email)")
        base = self.option(o.base_iri, placeholder("catalog", "base_iri"), "base IRI (--base-iri)")
        agent_id = slug(o.publisher_name) if o.publisher_name and slug(o.publisher_name) else "julkaisija"
        code = self.option(o.municipality_code, TODO, "municipality code (--municipality-code; or delete "
                           "`spatial` if the catalogue is not about one municipality)")
        place = self.option(o.municipality_name, placeholder("place", "label"),
                            "municipality name (--municipality-name)")
        # The page does not say why its documents are secret: the steward names the provisions.
        basis = self.option(o.access_basis, placeholder("access basis", "text"), "legal basis of the access "
                            "rights (--access-basis)")
        statutes = [f"{n}/{y}" for n, y in _STATUTE.findall(basis)] if o.access_basis else ["621/1999"]
        return {
            "catalog": schema.example("catalog", base_iri=base, title=f"{name}: kuvaus tietovarannoista"),
            # A municipality is a local authority by definition; the organisation's site is the
            # publisher's homepage, not the catalogue's.
            "publisher": schema.example("agent", id=agent_id, name=name, email=email, homepage=o.homepage,
                                        type="LocalAuthority" if o.municipality_code is not None else None),
            "contact_point": schema.example("contact point", id=agent_id, name=name, email=email),
            "spatial": [schema.example("place", iri=MUNICIPALITY_CODES + code, label=place)],
            "search_criteria": list(self.criteria.values()),
            "access_bases": [schema.example("access basis", id=ACCESS_BASIS, text=basis,
                                            statutes=list(dict.fromkeys(statutes)))],
            "sections": [self.section()],
            "service": schema.example("service"),
        }

    # -- resources/*.yaml ------------------------------------------------------------------------

    def criterion(self, phrase: str, line: int, base_form: bool) -> str:
        known = known_criterion(phrase)
        if known is not None:
            self.criteria.setdefault(known.id, {"id": known.id, "label": {
                "fi": known.fi, "sv": known.sv, "en": known.en}})
            return known.id
        label = phrase.strip(" .;:")
        ident = slug(label) or "hakutekija"
        if ident not in self.criteria:
            self.criteria[ident] = {"id": ident, "label": _fi(label)}
            if not base_form:
                self.warn(line, f"search criterion `{label}` is not one the tool knows; its label is "
                          "written as it stands in the sentence", "check the label (base form, e.g. "
                          "`asiakasnumero`) under search_criteria in catalog.yaml")
        return ident

    def search(self, block: SearchBlock, title: str) -> dict[str, Any] | None:
        ids: list[str] = []
        if block.statement is not None and not block.items:  # a list gives the criteria in base form
            phrases = criteria_phrases(block.statement.text)
            if phrases is None:
                phrases = [c.fi for c in KNOWN_CRITERIA
                           if any(known_criterion(w) is c for w in _word_pairs(block.statement.text))]
                if not phrases:
                    self.warn(block.statement.first, f"no search criteria recognised in the sentence of "
                              f"`{title}`", "list them under search_criteria.criteria of the resource")
            for p in phrases:
                ids.append(self.criterion(p, block.statement.first, base_form=False))
        for entry in block.items:
            ids.append(self.criterion(entry.text, entry.line, base_form=True))
        unique = list(dict.fromkeys(ids))
        statement = block.statement.text if block.statement is not None else ", ".join(
            e.text for e in block.items)
        return {"criteria": unique, "statement": _fi(statement)}

    def system(self, entry: Entry) -> dict[str, Any] | str:
        name, desc = split_system(entry.text)
        if name in self.system_by_name:  # defined by an earlier resource: refer to it
            return self.system_by_name[name]
        ident = self.system_ids.new(slug(name), "jarjestelma")
        self.system_by_name[name] = ident
        out: dict[str, Any] = {"id": ident, "name": _fi(name)}
        if desc is not None:
            out["description"] = _fi(desc)
        return out

    def resource(self, block: ResourceBlock) -> tuple[str, dict[str, Any]]:
        assert block.purpose is not None, "parse_page refuses a resource without a purpose text"
        rid = self.ids.new(slug(block.title), "tietovaranto")
        stem = rid.removesuffix("-tietovaranto")
        datasets = block.datasets or []
        systems = [split_system(e.text) for e in block.systems or []]
        page_texts = " ".join(filter(None, (self.page.title, self.page.subtitle)))
        themes = themes_for(f"{block.title} {block.purpose.text}",
                            " ".join(f"{n} {d or ''}" for n, d in systems), page_texts)
        out: dict[str, Any] = {
            "id": rid,
            "section": self.section_id,
            "title": _fi(block.title),
            "description": _fi(block.purpose.text),
            "access_rights": "NON_PUBLIC",
            "access_basis": ACCESS_BASIS,
            "themes": themes,
        }
        statutes = [f"{n}/{y}" for n, y in _STATUTE.findall(block.purpose.text)]
        if statutes:
            out["legislation"] = list(dict.fromkeys(statutes))
        if block.systems:
            out["systems"] = [self.system(e) for e in block.systems]
        if block.search is not None:
            out["search_criteria"] = self.search(block.search, block.title)
        if block.interface is not None:
            out["technical_interface"] = self.interface(block.interface)
        out["written_for_catalogue"] = ["access_rights", "access_basis", "themes", "datasets.description",
                                        "datasets.themes"]
        out["datasets"] = [
            {"id": self.ids.new(f"{stem}-{slug(e.text, 48)}".strip("-"), stem),
             "title": _fi(e.text),
             "description": _fi(f"{block.title}: {e.text}"),
             "themes": themes}  # the resource's, by the same documented rule: the page gives none
            for e in datasets
        ]
        return rid, out

    def build(self) -> Records:
        resources = [self.resource(block) for block in self.page.resources]
        self.order = [rid for rid, _ in resources]
        catalog = self.catalog_file()
        text_name = Path(self.name).name  # not the whole path: the records are the same wherever it was
        files = {"catalog.yaml": _header(text_name, self.placeholders) + _dump(schema.ordered(schema.CATALOG_FILE,
                                                                                              catalog))}
        for (rid, record), block in zip(resources, self.page.resources, strict=True):
            head = (f"# Tietovaranto: {block.title}.\n# Imported from {text_name}, lines {block.line}-{block.last}; "
                    "Finnish texts as written there.\n" + CONTROLLER_NOTE)
            files[f"resources/{rid}.yaml"] = head + _dump(schema.ordered(schema.RESOURCE, record))
        counts = Counts(
            resources=len(resources),
            datasets=sum(len(b.datasets or []) for b in self.page.resources),
            systems=len(self.system_by_name),
            search_criteria=len(self.criteria),
            cross_references=len(self.page.cross_references),
        )
        return Records(files, counts, tuple(self.warnings), tuple(self.placeholders))


def _word_pairs(text: str) -> list[str]:
    """Single words and adjacent pairs, to find known criteria in a sentence without an enumeration."""
    words = re.findall(r"\w+", text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


ACCESS_BASIS: str = schema.RECORDS["access basis"].key("id").example
"""The id of the access basis ``import`` writes as a placeholder in catalog.yaml."""

CONTROLLER_NOTE = """\
# The page does not say who controls these records now (rekisterinpitäjä) or since when. Add it when
# you have verified it, citing the source, e.g.:
#   controller:
#     agent: <an agent id from catalog.yaml>
#     since: YYYY-MM-DD
#     note: {fi: "<who, since when, and the law or public source saying so>"}
"""


def _header(name: str, placeholders: list[str]) -> str:
    lines = [f"# Imported by `kustavi-dcat import` from {name}; Finnish texts as written there.",
             "# Swedish (sv) and English (en) translations are welcome beside each `fi:`."]
    if placeholders:
        lines.append(f"# Fill in before publishing (values starting with {TODO} or using example.invalid):")
        lines.extend(f"#   - {p}" for p in placeholders)
    return "\n".join(lines) + "\n\n"


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists, Unicode as is, multi-paragraph texts as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        """Every value written out in full: records refuse YAML aliases, and a steward reads each record alone."""
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=False)


# -- the command ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    written: list[Path]
    counts: Counts
    warnings: tuple[Problem, ...]
    placeholders: tuple[str, ...]


def read_text(path: Path) -> str:
    """The text of ``path`` as UTF-8 (a BOM is allowed); problems carry the file and line."""
    name = str(path)

    def fail(message: str, hint: str, line: int = 1) -> SourceError:
        return SourceError([Problem(name, line, 1, "", message, hint)])

    try:
        if path.is_dir():
            raise fail("is a folder, expected a text file", "give the text file of the description page")
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise fail(f"file is {size} bytes, more than the {MAX_TEXT_BYTES} allowed",
                       "a description page is a few kilobytes; check that this is the right file")
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})", "check the path") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(f"byte {exc.start} is not UTF-8", "save the text as UTF-8", line) from exc


def check_options(options: Options) -> None:
    """Refuse option values the loader would refuse later, before reading anything (exit 2)."""
    if options.municipality_code is not None and not re.fullmatch(r"\d{3}", options.municipality_code):
        raise KustaviError(f"--municipality-code `{options.municipality_code}`: give the three-digit "
                           "municipality code, e.g. 304")
    if options.base_iri is not None and (iri_hint(options.base_iri) is not None
                                         or not options.base_iri.endswith(("/", "#"))):
        raise KustaviError(f"--base-iri `{options.base_iri}`: give a full address ending with `/`, e.g. "
                           "https://www.example.fi/tietovarannot/")
    if options.homepage is not None and iri_hint(options.homepage) is not None:
        raise KustaviError(f"--homepage `{options.homepage}`: give a full address, e.g. https://www.example.fi")
    if options.email is not None and not EMAIL_RE.fullmatch(options.email):
        raise KustaviError(f"--email `{options.email}`: give an e-mail address, e.g. kirjaamo@example.fi")
    if options.publisher_name is not None and not options.publisher_name.strip():
        raise KustaviError("--publisher-name: give the organisation's name")


def records_from_text(text: str, name: str, options: Options) -> Records:
    """Parse a page and build its records (no files touched)."""
    check_options(options)
    page, warnings = parse_page(text, name)
    records = _Builder(page, options, name).build()
    return Records(records.files, records.counts, tuple(sorted((*warnings, *records.warnings))),
                   records.placeholders)


def import_file(path: Path, out_dir: Path, options: Options) -> ImportReport:
    """Read the page at ``path`` and write a new source folder ``out_dir`` (which must be new or empty)."""
    records = records_from_text(read_text(path), str(path), options)
    written = write_tree(out_dir, records.files)
    return ImportReport(written, records.counts, records.warnings, records.placeholders)
