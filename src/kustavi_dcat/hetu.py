"""Finnish personal identity codes (*henkilötunnus*): the one detector, used wherever text leaves the program.

A catalogue that describes registers of personal data must never carry one, so the loader refuses source
text, keys and file names that contain a valid code, the SHACL profile rejects a graph that does, and
every message, report, diff and log line is masked with ``redact`` (after any truncation: ``shorten``).

A code is ``DDMMYY``, a century sign, ``NNN`` and a check character, found **whatever surrounds it**
(letters, digits, a URL path): ``CANDIDATE`` is matched at every position of the text as written, and
``canonical`` turns a match into its eleven characters. These spellings are found too
(docs/hostile-input.md has the table): lower case, any century sign (``+``; ``-``, ``Y``, ``X``, ``W``,
``V``, ``U``; ``A`` to ``F``), a dash such as U+2010, U+2011 or U+2212 for ``-``, spaces and invisible
characters between the characters, and percent-encoded characters (``%2D``, ``%33``, ``%54``). A code
counts when its day is 1-31, its month 1-12 and its check character right. The SHACL shape
(shapes/s28-profile.ttl) uses the same ``CANDIDATE`` and steps with SPARQL ``REGEX``, ``REPLACE`` and
``UCASE``: ``sparql_canonical`` writes its BINDs and the tests compare the shape with this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
"""The check character is this string's ``DDMMYYNNN mod 31``-th letter (Population Information Act)."""

CENTURY_SIGNS = "+-YXWVUABCDEF"
"""'+' 1800s; '-', 'Y', 'X', 'W', 'V', 'U' 1900s; 'A'-'F' 2000s (all but '-', '+' and 'A' since 2023)."""

DASHES = r"\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
"""A regex class body (escapes, so the same text serves Python and SPARQL) of what is read as the
century sign '-': hyphen, non-breaking hyphen, figure dash, en and em dash, horizontal bar,
minus sign, small em dash, small and fullwidth hyphen-minus (what word processors put for '-')."""

IGNORED = (
    r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\xad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f"
    r"\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0"
    r"\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
"""Characters skipped between a code's characters (a regex class body): white space, soft hyphen,
zero-width and direction marks, joiners, variation selectors, tags and blank letters, written as regex
escapes. Each is invisible by ``characters.invisible``; a test checks that."""

_HEX_LETTERS = "ABCDEF"


def _percent(ch: str) -> str:
    """A regex matching ``ch`` percent-encoded, in upper or lower case (hex digits in either case too)."""
    options = []
    for variant in sorted({ch.upper(), ch.lower()}):
        hex_code = f"{ord(variant):02X}"
        hi, lo = hex_code[0], hex_code[1]
        options.append(hi + (f"[{lo}{lo.lower()}]" if lo in _HEX_LETTERS else lo))
    return "%" + (options[0] if len(options) == 1 else f"({'|'.join(options)})")


_LETTERS = sorted(set(CHECK_CHARACTERS + CENTURY_SIGNS) - set("0123456789+-"))


def _escaped(chars: str) -> str:
    """A regex alternative (no groups) for any of ``chars`` percent-encoded, in either case."""
    return "|".join(_percent(ch).replace("%(", "%(?:") for ch in chars)


_GAP = f"(?:[{IGNORED}]|%(?:20|09|0[AaDd]))*"
_DIGIT = "(?:[0-9]|%3[0-9])"
_SIGN = f"(?:[-+A-FU-Ya-fu-y{DASHES}]|{_escaped('-+ABCDEFUVWXY')})"
_CHECK = f"(?:[0-9A-Ya-y]|%3[0-9]|{_escaped('ABCDEFHJKLMNPRSTUVWXY')})"

CANDIDATE = _GAP.join([*[_DIGIT] * 6, _SIGN, *[_DIGIT] * 3, _CHECK])
"""A code as it may be written in a text (a regex in both Python and SPARQL): eleven characters, each
as itself (letters in either case, a dash for '-') or percent-encoded, with spaces, invisible
characters or their escapes between them. Matched at every position, so nothing around it matters."""

STEPS: tuple[tuple[str, str], ...] = (
    ("%3([0-9])", "$1"),
    (_percent("-"), "-"),
    (_percent("+"), "+"),
    *((_percent(letter), letter) for letter in _LETTERS),
    (f"%(20|09|0[AaDd])|[{IGNORED}]", ""),
    (f"[{DASHES}]", "-"),
)
"""How a matched candidate becomes its eleven characters, in order (SPARQL ``REPLACE(text, pattern,
replacement)`` semantics, ``$1`` the first group), then upper case: escapes decoded, gaps dropped,
dashes read as '-'. Every '%' in a candidate starts one of its escapes, so the steps decode exactly."""

CODE = "[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]"
"""A candidate once canonical."""

_STEPS = tuple((re.compile(pattern), replacement.replace("$1", r"\1")) for pattern, replacement in STEPS)
_CANDIDATES = re.compile(f"(?=({CANDIDATE}))")
_ANY = re.compile(CANDIDATE)
"""The same without the look-ahead: a search skips ahead to a digit or '%', ten times faster, so it
decides first whether the overlapping search is needed at all."""
_DIGITS = re.compile("[0-9]")

REDACTED = "[henkilötunnus]"
"""What a message, report, diff or log shows in place of a personal identity code."""


def check_character(birth: str, individual: str) -> str:
    """The check character for a date part ``DDMMYY`` and an individual number ``NNN``."""
    return CHECK_CHARACTERS[int(birth + individual) % 31]


def valid(code: str) -> bool:
    """Whether an 11-character canonical ``code`` has a plausible day and month and its check character."""
    day, month = int(code[0:2]), int(code[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12 and check_character(code[:6], code[7:10]) == code[10]


def canonical(candidate: str) -> str:
    """A ``CANDIDATE`` match as eleven characters: ``STEPS`` applied in order, then upper case."""
    for pattern, replacement in _STEPS:
        candidate = pattern.sub(replacement, candidate)
    return candidate.upper()


@dataclass(frozen=True)
class Found:
    """One code: where it is in the original text (``start``, ``end``) and its canonical form."""

    start: int
    end: int
    code: str


def find(text: str) -> Iterator[Found]:
    """Each valid personal identity code in ``text``, overlapping ones too, in order of position."""
    if len(_DIGITS.findall(text)) < 9 or _ANY.search(text) is None:  # a code has nine digits, encoded or not
        return
    for m in _CANDIDATES.finditer(text):
        code = canonical(m.group(1))
        if valid(code):
            yield Found(m.start(), m.start() + len(m.group(1)), code)


def contains(text: str) -> bool:
    """Whether ``text`` holds at least one valid personal identity code."""
    return next(find(text), None) is not None


def looks_like(text: str) -> bool:
    """Whether ``text`` holds a ``CANDIDATE``, valid or not (what the SHACL target selects on)."""
    return len(_DIGITS.findall(text)) >= 9 and _ANY.search(text) is not None


def spans(text: str) -> list[tuple[int, int]]:
    """The parts of ``text`` that are codes, overlapping ones merged, in order."""
    merged: list[tuple[int, int]] = []
    for found in find(text):
        if merged and found.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], found.end))
        else:
            merged.append((found.start, found.end))
    return merged


def redact(text: str) -> str:
    """``text`` with every valid personal identity code replaced by ``REDACTED``."""
    for start, end in reversed(spans(text)):
        text = text[:start] + REDACTED + text[end:]
    return text


def shorten(text: str, limit: int, ellipsis: str = "\u2026") -> str:
    """``text`` cut to about ``limit`` characters and redacted; a cut never falls inside a code.

    The codes are found in the whole text first, so cutting can neither leave part of one (ten of eleven
    characters give the eleventh) nor hide one from the redaction.
    """
    found = spans(text)
    if len(text) > limit:
        cut = max(limit - len(ellipsis), 0)
        for start, end in found:
            if start < cut < end:
                cut = start
        text, found = text[:cut] + ellipsis, [s for s in found if s[1] <= cut]
    for start, end in reversed(found):
        text = text[:start] + REDACTED + text[end:]
    return redact(text)


def sparql_canonical(source: str, result: str, indent: str = "") -> str:
    """SPARQL ``BIND`` lines that set ``result`` to ``source`` (candidates, concatenated) made canonical as
    ``canonical`` does, for the shapes. One BIND per step, not one nested expression: rdflib's parser
    recurses per nesting level and gives up long before 26."""
    lines = []
    term = source
    for i, (pattern, replacement) in enumerate(STEPS, start=1):
        expression = f"REPLACE({term}, {sparql_string(pattern)}, {sparql_string(replacement)})"
        if i == len(STEPS):
            lines.append(f"BIND (UCASE({expression}) AS {result})")
        else:
            term = f"{result}{i}"
            lines.append(f"BIND ({expression} AS {term})")
    return "\n".join(indent + line for line in lines)


def sparql_string(value: str) -> str:
    """A SPARQL string literal of a pattern; its ``\\u``/``\\U`` escapes written as the characters, since
    a SPARQL processor expands those escapes before parsing, where the regex needs them."""
    assert value.isascii() and '"' not in value, value
    raw = re.sub(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), value)
    return '"' + raw.replace("\\", "\\\\") + '"'
