"""Finnish personal identity codes (*henkilötunnus*): found anywhere in a text, checksum verified.

A catalogue that describes registers of personal data must never carry one, so the loader refuses
source text that contains a valid code and the SHACL profile rejects a graph that does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
"""The check character is this string's ``DDMMYYNNN mod 31``-th letter (Population Information Act)."""

# Century signs: '+' 1800s; '-', 'Y', 'X', 'W', 'V', 'U' 1900s; 'A'-'F' 2000s (the latter five since 2023).
CENTURY_SIGNS = "+-YXWVUABCDEF"

PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![0-9A-Za-z])"
)


def check_character(birth: str, individual: str) -> str:
    """The check character for a date part ``DDMMYY`` and an individual number ``NNN``."""
    return CHECK_CHARACTERS[int(birth + individual) % 31]


def find(text: str) -> Iterator[re.Match[str]]:
    """Yield each checksum-valid personal identity code in ``text`` with a plausible date."""
    for match in PATTERN.finditer(text):
        day, month, year, sign, individual, check = match.groups()
        if sign not in CENTURY_SIGNS or not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
            continue
        if check_character(day + month + year, individual) == check:
            yield match


def contains(text: str) -> bool:
    """Whether ``text`` holds at least one valid personal identity code."""
    return next(find(text), None) is not None


REDACTED = "[henkilötunnus]"
"""What a report or a diff shows in place of a personal identity code."""


def redact(text: str) -> str:
    """``text`` with every checksum-valid personal identity code replaced by ``REDACTED``."""
    for match in reversed(list(find(text))):
        text = text[: match.start()] + REDACTED + text[match.end():]
    return text
