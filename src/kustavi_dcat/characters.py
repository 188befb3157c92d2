"""Which characters a text may hold, which ones a reader cannot see, and how a name is shown safely.

Three rules, each stated once (docs/hostile-input.md lists them):

* **Allowed**: a published text must be valid in every format, and RDF/XML is the strictest: XML 1.0
  allows tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF. Unicode's
  non-characters (U+FDD0-U+FDEF and the last two code points of every plane) are refused too: they are
  reserved for a program's internal use and never mean anything to a reader.
* **Invisible**: a character is invisible when its category is a control (Cc), a format character (Cf),
  a separator (Zs, Zl, Zp) or a mark (Mn, Me: nothing to attach to on its own), or when it is one of
  the blank letters in ``BLANK_LETTERS`` (fillers that fonts draw as nothing). A text made only of
  invisible characters counts as empty.
* **Shown**: a file name or value quoted in a message has its control, format and separator characters
  (other than the space) written as escapes, so a newline in a file name cannot forge a second problem
  line and an escape sequence never reaches the terminal.
"""

from __future__ import annotations

import unicodedata

BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")
"""Letters and symbols drawn as nothing: Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), the braille
blank (U+2800), the Mongolian vowel separator (U+180E) and the Khmer inherent vowels (U+17B4, U+17B5)."""

INVISIBLE_CATEGORIES = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"))
"""Unicode general categories a reader does not see as a character of their own."""

_ESCAPED_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Zs", "Cs", "Co", "Cn"))
"""What ``shown`` escapes: everything that moves the cursor, changes direction or is not drawn."""

_XML_CONTROLS = frozenset("\t\n\r")


def noncharacter(ch: str) -> bool:
    """Whether ``ch`` is one of Unicode's 66 non-characters (U+FDD0-U+FDEF, U+nFFFE, U+nFFFF)."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def allowed(ch: str) -> bool:
    """Whether ``ch`` may appear in a published text: an XML 1.0 character that is not a non-character."""
    code = ord(ch)
    if code < 0x20:
        return ch in _XML_CONTROLS
    if 0xD800 <= code <= 0xDFFF:
        return False
    return not noncharacter(ch)


def first_not_allowed(text: str) -> str | None:
    """The first character of ``text`` that ``allowed`` refuses, or ``None``."""
    if text.isascii() and text.isprintable():
        return None
    return next((ch for ch in text if not allowed(ch)), None)


def invisible(ch: str) -> bool:
    """Whether a reader sees nothing of ``ch`` on its own (see the module's rule)."""
    return ch in BLANK_LETTERS or unicodedata.category(ch) in INVISIBLE_CATEGORIES


def blank(text: str) -> bool:
    """Whether ``text`` holds no character a reader can see (an empty text is blank)."""
    return all(invisible(ch) for ch in text)


def shown(text: str) -> str:
    """``text`` for a one-line message: invisible and control characters as ``\\n``, ``\\x1b``, ``\\u202e``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if ch == " " or unicodedata.category(ch) not in _ESCAPED_CATEGORIES:
        return ch
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
