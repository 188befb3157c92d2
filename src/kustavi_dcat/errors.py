"""User-facing errors: each carries the exit code the CLI returns (see the README's exit-code table)."""

from __future__ import annotations

from dataclasses import dataclass

from kustavi_dcat import characters, hetu

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SOURCE = 3
EXIT_IO = 4
EXIT_INTERNAL = 5
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a source file, with where it is and how to fix it."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        """One line, whatever the file name or a quoted value holds: each part masked, then escaped."""
        file, field, message, hint = (_safe(part) for part in (self.file, self.field, self.message, self.hint))
        where = f"{file}:{self.line}:{self.column}"
        text = f"{where}: {field}: {message}" if field else f"{where}: {message}"
        return f"{text} \u2014 {hint}" if hint else text


def _safe(text: str) -> str:
    """``text`` for one line of a message: personal identity codes masked, control characters escaped."""
    return characters.shown(hetu.redact(text))


def shown_path(path: object) -> str:
    """A file or folder name for a message (``str(path)``), masked and escaped like every problem's file."""
    return _safe(str(path))


class KustaviError(Exception):
    """Base of every error a user can cause; ``exit_code`` is what the command returns."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SourceError(KustaviError):
    """The source folder cannot be turned into records; every problem found is listed."""

    exit_code = EXIT_SOURCE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the source; nothing was written."
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


class InvalidCatalogError(KustaviError):
    """The catalogue breaks a SHACL rule; the validation results are attached."""

    exit_code = EXIT_INVALID


class OutputError(KustaviError):
    """Files could not be read or written; the previous output is untouched."""

    exit_code = EXIT_IO


class WorkerStopped(KustaviError):
    """A worker process ended without finishing its records (killed, e.g. by the system when memory ran
    out); nothing was written."""

    exit_code = EXIT_INTERNAL
