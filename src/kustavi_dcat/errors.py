"""User-facing errors: each carries the exit code the CLI returns (see the README's exit-code table)."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SOURCE = 3
EXIT_IO = 4
EXIT_INTERNAL = 5
EXIT_INTERRUPTED = 130


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
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} \u2014 {self.hint}" if self.hint else text


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
