"""The README's terminal transcripts are what the tool prints.

Every fenced block of README.md whose first line starts with ``$ `` is a transcript: commands (``$ ``
lines, ``\\`` continues one) each followed by the output a steward sees. Each transcript is run here,
command by command, in a scratch folder prepared as the text around it describes (a broken record, a
renamed data set, ...), through click's CliRunner, and its output must match line for line. Only two
things may differ: a line ``...`` stands for any number of lines, and a time such as ``0.005 s`` for any
time. A transcript this file has no preparation for fails, so a new example is checked from the start.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kustavi_dcat.cli import main
from tests.conftest import ROOT, SOURCE, seed_path

README = ROOT / "README.md"
VALID_TEST_CODE = "131052-308T"  # the well-known fictitious example of a valid personal identity code


@dataclass(frozen=True)
class Transcript:
    line: int
    commands: list[tuple[str, list[str]]]

    @property
    def first(self) -> str:
        return self.commands[0][0]


def transcripts(text: str) -> list[Transcript]:
    """The README's transcripts, each with the line its block starts on."""
    found: list[Transcript] = []
    block: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            if block is None:
                block, start = [], number + 1
                continue
            if block and block[0].startswith("$ "):
                found.append(Transcript(start, _commands(block)))
            block = None
        elif block is not None:
            block.append(line)
    return found


def _commands(lines: list[str]) -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    continued = False
    for line in lines:
        if continued:
            command, output = commands[-1]
            commands[-1] = (command + " " + line.strip().removesuffix("\\").strip(), output)
        elif line.startswith("$ "):
            commands.append((line[2:].removesuffix("\\").strip(), []))
        else:
            commands[-1][1].append(line)
        continued = line.endswith("\\")
    return commands


def _edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` (a preparation that no longer applies fails loudly); `` -- ``
    in either stands for the en dash the records use between a title and its context."""
    old, new = old.replace(" -- ", " \N{EN DASH} "), new.replace(" -- ", " \N{EN DASH} ")
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected `{old}` once; update this preparation"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _copy_source(work: Path) -> Path:
    shutil.copytree(SOURCE, work / "source")
    return work / "source"


def _broken_records(work: Path) -> None:
    """"When something is wrong": five mistakes a steward makes."""
    source = _copy_source(work)
    text = (source / "catalog.yaml").read_text(encoding="utf-8")
    head, tail = text.split("contact_point:\n", 1)
    (source / "catalog.yaml").write_text(
        head + "contact_point:\n" + tail.replace("kustavi@kustavi.fi", "kustavi(at)kustavi.fi", 1), encoding="utf-8")
    _edit(source / "resources" / "ikaihmisten-palvelut.yaml", "systems:\n  - id: saga-sosiaalihuolto\n",
          f"systems:\n  - id: saga-sosiaalihuolto  # yhteyshenkilö {VALID_TEST_CODE}\n")
    record = source / "resources" / "varhaiskasvatus.yaml"
    _edit(record, "section: sosiaalipalvelut\ntitle:", "section: sosiaalipalvelu\ntitel:")
    _edit(record, "      fi: Hakemukset -- Kustavin varhaiskasvatus\n",
          "      fi-FI: Hakemukset -- Kustavin varhaiskasvatus\n")


def _no_system(work: Path) -> None:
    """The records load, but a resource names no information system (a SHACL violation)."""
    source = _copy_source(work)
    record = source / "resources" / "varhaiskasvatus.yaml"
    text = record.read_text(encoding="utf-8")
    start = text.index("systems:\n")
    end = text.index("# Hakutekijät", start)
    record.write_text(text[:start] + text[end:], encoding="utf-8")


def _kustavi(work: Path) -> None:
    _copy_source(work)


def _seed_beside(work: Path) -> None:
    """``../shared/seed/...`` as seen from the checkout, and the test pages under ``tests/data``."""
    (work.parent / "shared" / "seed").mkdir(parents=True)
    (work.parent / "shared" / "seed" / seed_path().name).symlink_to(seed_path())
    (work / "tests").mkdir()
    (work / "tests" / "data").symlink_to(ROOT / "tests" / "data")


def _bad_page(work: Path) -> None:
    (work / "huono.txt").write_bytes((ROOT / "tests" / "data" / "readme" / "huono.txt").read_bytes())


def _edited_after_publish(work: Path) -> None:
    """"diff": output/ holds the published catalogue; then a data set is renamed and one added."""
    source = _copy_source(work)
    assert CliRunner().invoke(main, ["publish", "-q"]).exit_code == 0
    record = source / "resources" / "varhaiskasvatus.yaml"
    _edit(record, "      fi: Hakemukset -- Kustavin varhaiskasvatus\n",
          "      fi: Hakemukset ja ilmoitukset -- Kustavin varhaiskasvatus\n")
    _edit(record, "      sv: Ansökningar -- småbarnspedagogiken i Gustavs\n",
          "      sv: Ansökningar och anmälningar -- småbarnspedagogiken i Gustavs\n")
    _edit(record, "      en: Applications -- early childhood education and care, Kustavi\n",
          "      en: Applications and notifications -- early childhood education and care, Kustavi\n")
    _edit(record, "datasets:\n", "datasets:\n"
          "  - id: varhaiskasvatus-kuljetukset\n"
          "    title:\n      fi: Kuljetukset -- Kustavin varhaiskasvatus\n"
          "    description:\n      fi: Kuljetukset -- tietoaineisto, joka kuuluu varhaiskasvatuksen tietovarantoon.\n"
          "    themes: [EDUC]\n")


def _published_and_remote(work: Path) -> None:
    _copy_source(work)
    assert CliRunner().invoke(main, ["publish", "-q"]).exit_code == 0
    (work / "remote.jsonld").write_text('{"@context": "https://example.org/ctx.jsonld", "@id": "x"}\n')


PREPARATIONS: dict[str, Callable[[Path], None]] = {
    "kustavi-dcat publish": _broken_records,  # and _no_system where the block shows a violation
    "kustavi-dcat publish -v": _kustavi,
    "kustavi-dcat import ../shared/seed/000_11c9b7d8208783e6.txt": _seed_beside,
    "kustavi-dcat import tests/data/import/esimerkkila_sivistys.txt --out esimerkkila": _seed_beside,
    "kustavi-dcat import huono.txt --out huono": _bad_page,
    "kustavi-dcat init uusi-kunta": lambda work: None,
    "kustavi-dcat publish --out new -q": _edited_after_publish,
    "kustavi-dcat diff output/catalog.ttl remote.jsonld": _published_and_remote,
}


def _preparation(transcript: Transcript) -> Callable[[Path], None]:
    if transcript.first == "kustavi-dcat publish" and "Violation" in "\n".join(transcript.commands[0][1]):
        return _no_system
    for start, preparation in sorted(PREPARATIONS.items(), key=lambda item: -len(item[0])):
        if transcript.first == start or transcript.first.startswith(start + " "):
            return preparation
    raise AssertionError(f"README.md:{transcript.line}: a transcript with no preparation in this test: "
                         f"`{transcript.first}`; add one to PREPARATIONS")


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line for line, where ``...`` is any number of lines and a time in seconds any time."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else _line_pattern(line) + "\n" for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def _line_pattern(line: str) -> str:
    return r"\d+\.\d+ s".join(re.escape(part) for part in re.split(r"\d+\.\d+ s", line))


def _run(command: str, last_exit: int) -> tuple[list[str], int]:
    if command == "echo $?":
        return [str(last_exit)], last_exit
    words = shlex.split(command)
    assert words[0] == "kustavi-dcat", f"a transcript may run only kustavi-dcat and `echo $?`: {command}"
    result = CliRunner().invoke(main, words[1:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.output.splitlines(), result.exit_code


ALL = transcripts(README.read_text(encoding="utf-8"))


def test_the_readme_has_transcripts() -> None:
    assert len(ALL) >= 8


@pytest.mark.parametrize("transcript", ALL, ids=[f"README.md:{t.line}" for t in ALL])
def test_readme_transcript_is_what_the_tool_prints(transcript: Transcript, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    monkeypatch.chdir(work)
    _preparation(transcript)(work)
    last_exit = 0
    for command, expected in transcript.commands:
        actual, last_exit = _run(command, last_exit)
        assert _matches(expected, actual), (
            f"README.md:{transcript.line}: `$ {command}` printed\n" + "\n".join(actual)
            + "\n--- the README shows\n" + "\n".join(expected))


def test_the_matcher_can_fail() -> None:
    assert _matches(["a", "...", "load  0.005 s  3"], ["a", "b", "c", "load  1.250 s  3"])
    assert not _matches(["a", "b"], ["a", "c"])
    assert not _matches(["load  0.005 s  3"], ["load  0.005 s  4"])
    assert not _matches(["a"], ["a", "b"])
