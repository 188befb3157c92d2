"""Hostile or unlucky input: personal identity codes in any disguise, text that breaks a format, YAML
aliases, oversized sources, odd file names, unreadable folders and links out of the source folder.

Each case runs the CLI as a steward would and checks the exit code, the message (its place, the code
masked) and that the published folder is byte for byte what it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustavi_dcat import hetu
from kustavi_dcat.cli import main
from kustavi_dcat.rdf import reading
from kustavi_dcat.source import loader
from tests.conftest import OUTPUT, SOURCE
from tests.test_source_errors import VARHAIS, position, problems, publish, refused, replace, snapshot

CODE = "131052-308T"
"""A checksum-valid code (the Population Register Centre's own example)."""

TITLE = "      fi: Hakemukset \u2013 Kustavin varhaiskasvatus\n"
"""A data-set title in ``VARHAIS``, a place for a text."""


def leaks(text: str) -> bool:
    """Whether ``text`` shows a code, whole or in part (ten of its eleven characters give the last)."""
    return hetu.contains(text) or "131052-308" in text or "31052-308T" in text


def refused_here(src: Path, out: Path, at: str, new: str, field: str | None, says: str) -> Result:
    """Put ``new`` in place of ``TITLE``, publish: exit 3 at ``at``'s place, masked, output unchanged."""
    text = replace(src / VARHAIS, TITLE, new)
    line, _ = position(text, at)
    result = refused(src, out)
    here = [m for m in problems(result) if m["file"] == str(src / VARHAIS) and int(m["line"]) == line]
    assert here, f"expected a problem on {VARHAIS}:{line}:\n{result.stderr}"
    assert any(m["field"] == field and says in m.group(0) for m in here), result.stderr
    assert not leaks(result.output), result.output
    return result


# -- personal identity codes in values, keys and names -------------------------------------------------


@pytest.mark.parametrize("value", [
    f"Hakemukset asiakas{CODE}",  # glued to letters before
    f"Hakemukset {CODE}x",  # and after
    f"Hakemukset 9{CODE}7",  # glued to digits
    "Hakemukset 131052-308t",  # lower case
    "Hakemukset 131052\u2011308T",  # a non-breaking hyphen for the dash
    "Hakemukset 131052\u2212308T",  # a minus sign
    "Hakemukset 131052 - 308 T",  # spaces
    "Hakemukset 131052\u200b-308T",  # a zero-width space
    "Hakemukset 010594Y9032",  # a 2023 century sign (Y: 1900s)
    "Hakemukset 010505E9033",  # and one for the 2000s (E)
])
def test_a_code_in_any_surrounding_or_spelling_is_refused(value: str, src: Path, out: Path) -> None:
    assert hetu.contains(value)
    result = refused_here(src, out, value, f'      fi: "{value}"\n', "datasets[1].title.fi", "henkilötunnus")
    assert hetu.REDACTED not in result.stdout


@pytest.mark.parametrize("iri", [
    f"https://x.fi/asiakas{CODE}",
    "https://x.fi/asiakas131052%2D308T",  # the dash percent-encoded
    "https://x.fi/a?q=%31%33%31%30%35%32-308T",  # every digit percent-encoded
])
def test_a_code_in_an_iri_path_is_refused(iri: str, src: Path, out: Path) -> None:
    text = replace(src / VARHAIS, "  - http://www.yso.fi/onto/yso/p1650\n", f"  - {iri}\n")
    line, _ = position(text, iri)
    result = refused(src, out)
    here = [m for m in problems(result) if int(m["line"]) == line and "henkilötunnus" in m.group(0)]
    assert here and here[0]["field"] == "subjects[0]", result.stderr
    assert not leaks(result.output)


def test_a_code_in_an_unknown_key_is_refused_and_masked(src: Path, out: Path) -> None:
    text = replace(src / VARHAIS, "section: sosiaalipalvelut\n", f"section: sosiaalipalvelut\nx{CODE}: 1\n")
    result = refused(src, out)
    line, _ = position(text, f"x{CODE}")
    assert any(int(m["line"]) == line and "henkilötunnus" in m.group(0) for m in problems(result))
    assert not leaks(result.output)


def test_a_truncated_message_never_shows_part_of_a_code(src: Path, out: Path) -> None:
    # A bad e-mail address is quoted in its message, cut at 60 characters: here the cut falls in the code.
    value = "x" * 52 + CODE + "@"
    text = (src / "catalog.yaml").read_text("utf-8")
    email = re.search(r"email: (\S+)", text)
    assert email is not None
    (src / "catalog.yaml").write_text(text.replace(email.group(0), f"email: {value}", 1), "utf-8")
    result = refused(src, out)
    assert "not a valid e-mail address" in result.stderr
    assert not leaks(result.output), result.output
    assert "131052" not in result.output


def test_a_code_in_a_file_name_is_refused_and_masked(src: Path, out: Path) -> None:
    shutil.copy(src / VARHAIS, src / "resources" / f"asiakas{CODE}.yaml")
    result = refused(src, out)
    masked = str(src / "resources" / f"asiakas{hetu.REDACTED}.yaml")
    assert any(m["file"] == masked and "file name" in m["what"] for m in problems(result)), result.stderr
    assert not leaks(result.output)
    assert not any(leaks(p.name) for p in out.parent.rglob("*") if "source" not in p.parts)


def test_a_code_in_the_source_folder_name_is_refused_and_masked(src: Path, out: Path) -> None:
    renamed = src.rename(src.parent / f"asiakas{CODE}")
    result = refused(renamed, out)
    assert "folder's name" in result.stderr
    assert not leaks(result.output)


def test_a_file_name_with_a_code_in_a_broken_record_is_masked_in_every_line(src: Path, out: Path) -> None:
    (src / "resources" / f"{CODE}.txt").write_text("notes\n")
    result = refused(src, out)
    assert not leaks(result.output)


# -- validate and diff mask what they read ----------------------------------------------------------


def _with_code_iri(tmp_path: Path) -> Path:
    """The published Turtle with one dataset's IRI carrying a code."""
    text = (OUTPUT / "catalog.ttl").read_text("utf-8")
    iri = re.search(r"<(https://www\.kustavi\.fi/tietovarannot/[^>]*dataset[^>]*)>", text)
    assert iri is not None
    path = tmp_path / "code.ttl"
    path.write_text(text.replace(iri.group(1), iri.group(1) + f"-asiakas{CODE}"), "utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "engine"), [("text", "fast"), ("json", "fast"), ("text", "pyshacl")])
def test_validate_masks_focus_node_iris(fmt: str, engine: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(_with_code_iri(tmp_path)), "--format", fmt,
                                       "--engine", engine])
    assert result.exit_code == 1, result.output
    assert hetu.REDACTED in result.output
    assert not leaks(result.output), result.output
    if fmt == "json":
        json.loads(result.stdout)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_diff_masks_iris(fmt: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(OUTPUT / "catalog.ttl"), str(_with_code_iri(tmp_path)),
                                       "--format", fmt])
    assert result.exit_code == 1, result.output
    assert not leaks(result.output), result.output
    if fmt == "json":
        document = json.loads(result.stdout)
        assert any(hetu.REDACTED in e["iri"] for e in document["added"])


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_validate_finds_a_code_glued_into_a_title(engine: str, tmp_path: Path) -> None:
    text = (OUTPUT / "catalog.ttl").read_text("utf-8")
    path = tmp_path / "glued.ttl"
    path.write_text(text.replace('"Hakemukset"@fi', f'"Hakemukset asiakas{CODE}x"@fi', 1), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--engine", engine])
    assert result.exit_code == 1, result.output
    assert "henkilötunnus" in result.output and not leaks(result.output)


# -- text valid in every format -------------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\uFFFE", "\\uFFFF", "\\uFDD0", "\\U0001FFFE", "\\x0B"])
def test_a_character_xml_does_not_allow_is_refused_at_its_place(escape: str, src: Path, out: Path) -> None:
    refused_here(src, out, "Hakemuksia", f'      fi: "Hakemuksia {escape} x"\n', "datasets[1].title.fi", "U+")


def test_a_raw_noncharacter_in_the_file_is_refused(src: Path, out: Path) -> None:
    refused_here(src, out, "Hakemuksia", "      fi: Hakemuksia \ufdd0\n", "datasets[1].title.fi", "U+FDD0")


@pytest.mark.parametrize("blank", ["\u200b", "\u3164", "\u2800", "\u115f\u1160", "\ufeff\u200d", "\u200c \u2060"])
def test_a_text_of_invisible_characters_is_empty(blank: str, src: Path, out: Path) -> None:
    refused_here(src, out, f"      fi: {blank}\n", f"      fi: {blank}\n", "datasets[1].title.fi", "empty")


# -- bounded resources ---------------------------------------------------------------------------------


def test_an_alias_is_refused_at_its_place(src: Path, out: Path) -> None:
    text = replace(src / VARHAIS, "title:\n  fi: Varhaiskasvatuksen", "title: &t\n  fi: Varhaiskasvatuksen")
    (src / VARHAIS).write_text(text + "extra: *t\n", "utf-8")
    line, column = position(text + "extra: *t\n", "*t")
    result = refused(src, out)
    assert any((int(m["line"]), int(m["column"])) == (line, column) and "alias" in m.group(0)
               for m in problems(result)), result.stderr


def test_a_one_mebibyte_alias_bomb_is_refused_in_under_a_second(src: Path, out: Path) -> None:
    head = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: ["
    body = ", ".join(["*b"] * ((loader.MAX_FILE_BYTES - len(head) - 2) // 4))
    bomb = (head + body + "]\n").encode()
    assert len(bomb) <= loader.MAX_FILE_BYTES
    (src / VARHAIS).write_bytes(bomb)
    started = time.perf_counter()
    result = refused(src, out)
    assert time.perf_counter() - started < 1.0
    assert any(m["file"] == str(src / VARHAIS) and m["line"] == "2" and "alias" in m.group(0)
               for m in problems(result)), result.stderr


def test_a_source_larger_than_the_limit_is_refused_naming_the_folder(src: Path, out: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_SOURCE_BYTES", 20_000)
    result = refused(src, out)
    assert any(m["file"] == str(src / "resources") and "larger than" in m.group(0) for m in problems(result))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://x.fi/a"><dct:title>&f;</dct:title></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("command", ["validate", "diff"])
def test_rdf_xml_with_entity_declarations_is_refused(command: str, tmp_path: Path) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS, "utf-8")
    args = [command, str(path)] if command == "validate" else [command, str(path), str(OUTPUT / "catalog.ttl")]
    started = time.perf_counter()
    result = CliRunner().invoke(main, args)
    assert time.perf_counter() - started < 2.0
    assert result.exit_code == 3, result.output
    assert f"{path}: declares XML entities" in result.stderr


def test_a_catalogue_file_over_the_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_CATALOGUE_BYTES", 1000)
    result = CliRunner().invoke(main, ["validate", str(OUTPUT / "catalog.nt")])
    assert result.exit_code == 3, result.output
    assert "is larger than" in result.stderr and "validate --source" in result.stderr


# -- names, folders and links ---------------------------------------------------------------------------


def test_a_newline_in_a_file_name_cannot_forge_a_problem_line(src: Path, out: Path) -> None:
    forged = "notes\nforged.yaml:1:1: everything is fine \u2014 nothing to do.txt"
    (src / "resources" / forged).write_text("x\n")
    result = refused(src, out)
    found = problems(result)  # every line has the promised shape
    head = int(result.stderr.split(" ", 1)[0])
    assert len(found) == head
    assert not any(m["file"].startswith("forged") for m in found)
    assert "notes\\nforged.yaml" in result.stderr


def test_an_escape_sequence_in_a_file_name_never_reaches_the_terminal(src: Path, out: Path) -> None:
    (src / "resources" / "\x1b]0;pwned\x07\x1b[2Jnotes.txt").write_text("x\n")
    result = refused(src, out)
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned\\x07" in result.stderr


def _unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` cannot be listed, as for a user without the permission (the tests may run as root)."""
    original = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)


def test_an_unreadable_resources_folder_is_a_source_problem(src: Path, out: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _unreadable(monkeypatch, src / "resources")
    result = refused(src, out)
    assert any(m["file"] == str(src / "resources") and "cannot be read (Permission denied)" in m.group(0)
               for m in problems(result)), result.stderr


def test_an_unreadable_source_folder_is_a_source_problem(src: Path, out: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _unreadable(monkeypatch, src)
    result = refused(src, out)
    assert f"{src}:1:1: the source folder cannot be read (Permission denied)" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its mode")
def test_an_unreadable_record_is_a_source_problem(src: Path, out: Path) -> None:
    (src / VARHAIS).chmod(0)
    result = refused(src, out)
    assert any(m["file"] == str(src / VARHAIS) and "cannot be read" in m.group(0) for m in problems(result))


def test_a_link_out_of_the_source_folder_is_not_followed(src: Path, out: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("root:x:0:0:the first line of a private file\n")
    os.symlink(secret, src / "resources" / "passwd.yaml")
    result = refused(src, out)
    assert any(m["file"] == str(src / "resources" / "passwd.yaml") and "outside the source folder" in m.group(0)
               for m in problems(result)), result.stderr
    assert "root:x" not in result.output and "private" not in result.output


def test_a_resources_folder_linked_from_elsewhere_is_not_followed(src: Path, out: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(src / "resources", elsewhere)
    os.symlink(elsewhere, src / "resources")
    result = refused(src, out)
    assert any(m["file"] == str(src / "resources") and "outside the source folder" in m.group(0)
               for m in problems(result)), result.stderr


def test_a_link_within_the_source_folder_is_followed(src: Path, tmp_path: Path) -> None:
    moved = src / "records"
    (src / "resources").rename(moved)
    (src / "resources").mkdir()
    for path in moved.iterdir():
        os.symlink(Path("..") / "records" / path.name, src / "resources" / path.name)
    result = publish(src, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "catalog.ttl").read_bytes() == (OUTPUT / "catalog.ttl").read_bytes()


# -- no generated text with a code ever reaches a terminal or the output --------------------------------

surroundings = st.text(alphabet=st.sampled_from(list("abcxyzåäöABC019 /:%-_.?=#\u2011\u200b\n")), max_size=12)


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """A valid code (canonical form, and as spelt in the text) in one of the documented spellings."""
    day, month, year = draw(st.integers(1, 28)), draw(st.integers(1, 12)), draw(st.integers(0, 99))
    birth, number = f"{day:02d}{month:02d}{year:02d}", f"{draw(st.integers(2, 899)):03d}"
    sign = draw(st.sampled_from(hetu.CENTURY_SIGNS))
    canonical = f"{birth}{sign}{number}{hetu.check_character(birth, number)}"
    units = list(canonical.lower() if draw(st.booleans()) else canonical)
    if sign == "-":
        units[6] = draw(st.sampled_from(["-", "\u2010", "\u2011", "\u2212", "%2D"]))
    gaps = [draw(st.sampled_from(["", "", "", " ", "\u200b", "%20"])) for _ in units[:-1]]
    return canonical, "".join(unit + gap for unit, gap in zip(units, [*gaps, ""], strict=True))


def shows(text: str, canonical: str) -> bool:
    """Whether ``text`` shows ``canonical`` or ten of its characters, in any spelling."""
    norm = re.sub(r"[^0-9A-Z+-]", "", unquote(text).upper().translate({ord(d): "-" for d in "\u2010\u2011\u2212"}))
    return hetu.contains(text) or canonical[:10] in norm or canonical[1:] in norm


@settings(max_examples=300, deadline=None)
@given(surroundings, disguised(), surroundings, st.integers(0, 60))
def test_a_code_is_found_masked_and_never_cut_in_half(before: str, code: tuple[str, str], after: str,
                                                      limit: int) -> None:
    canonical, spelt = code
    text = before + spelt + after
    assert hetu.contains(text)
    assert not shows(hetu.redact(text), canonical)
    assert not shows(hetu.shorten(text, limit), canonical)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=surroundings, code=disguised(), after=surroundings)
def test_no_generated_code_reaches_output_or_stderr(before: str, code: tuple[str, str], after: str,
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    canonical, spelt = code
    base = tmp_path_factory.mktemp("case")
    source, output = base / "source", base / "output"
    shutil.copytree(SOURCE, source)
    shutil.copytree(OUTPUT, output)
    replace(source / VARHAIS, TITLE, f"      fi: {json.dumps('Hakemukset ' + before + spelt + after)}\n")
    result = CliRunner().invoke(main, ["publish", "--source", str(source), "--out", str(output), "--no-cache"])
    assert result.exit_code == 3, result.output
    assert "henkilötunnus" in result.stderr
    assert not shows(result.output, canonical), result.output
    assert snapshot(output) == snapshot(OUTPUT)
    assert sorted(p.name for p in base.iterdir()) == ["output", "source"]  # no cache, no stray files


def test_a_code_in_a_key_spelt_with_escapes_is_refused(src: Path, out: Path) -> None:
    text = replace(src / VARHAIS, "section: sosiaalipalvelut\n",
                   'section: sosiaalipalvelut\n"x131052-308\\u0054": 1\n')
    line, _ = position(text, '"x131052')
    result = refused(src, out)
    assert any(int(m["line"]) == line and "henkilötunnus" in m.group(0) for m in problems(result)), result.stderr
    assert not leaks(result.output)


def test_log_records_and_warnings_are_masked() -> None:
    """What a library logs or warns reaches stderr masked, as the CLI sets logging up (a fresh process:
    the test runner's own log capture would otherwise stand in for stderr)."""
    script = (
        "import logging, warnings\n"
        "from kustavi_dcat.cli import mask_logs\n"
        "mask_logs()\n"
        f"logging.getLogger('rdflib.term').warning('Failed to convert Literal lexical form %r', 'x{CODE}')\n"
        f"warnings.warn('odd value {CODE}y', UserWarning, stacklevel=1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stderr.count(hetu.REDACTED) == 2, done.stderr
    assert not leaks(done.stderr)
