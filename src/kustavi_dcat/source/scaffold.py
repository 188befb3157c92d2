"""Start a source folder: ``kustavi-dcat init DIR`` writes a catalogue and one example resource.

The files are written from the schema (``schema.RECORDS``): its key order, its placeholders and
examples, and its notes as the comments above the keys.

Every value the tool cannot know (the organisation's name, e-mail address, base IRI, ...) is written as
a placeholder that the loader refuses - a text starting with ``TODO`` or an address in the reserved
domain ``example.invalid`` (RFC 2606: it never resolves) - so `publish` stops with the file, line and
field of each one until a steward fills it in. Nothing half-made is ever published.

``write_tree`` is shared with ``import``: it writes a whole folder atomically and refuses to touch a
folder that already holds something, because a source folder is a steward's work.
"""

from __future__ import annotations

import os
import secrets
import shutil
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kustavi_dcat.errors import KustaviError, OutputError
from kustavi_dcat.source import schema
from kustavi_dcat.source.schema import RECORDS, TODO, Key, Record, example


class FolderNotEmpty(KustaviError):
    """The target folder already holds files: a steward's records are never overwritten (exit 2)."""


def write_tree(out_dir: Path, files: Mapping[str, str]) -> list[Path]:
    """Write ``files`` (relative path -> text) as a new folder ``out_dir``, all or nothing.

    ``out_dir`` must not exist or be an empty folder. The files are written into a hidden sibling
    folder first, which is renamed into place only when every file is on disk.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir():
            raise FolderNotEmpty(f"{out_dir}: exists and is not a folder; give a new folder")
        if any(out_dir.iterdir()):
            raise FolderNotEmpty(f"{out_dir}: the folder is not empty; nothing was written. "
                                 "Give a new or empty folder (existing records are never overwritten).")
    parent = out_dir.parent
    staging = parent / f".{out_dir.name}.tmp-{secrets.token_hex(4)}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        for rel in sorted(files):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(files[rel])
                handle.flush()
                os.fsync(handle.fileno())
        if out_dir.is_dir():
            out_dir.rmdir()  # empty, checked above; rename cannot replace a folder everywhere
        os.replace(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        where = exc.filename or out_dir
        raise OutputError(f"{where}: cannot write ({exc.strerror or exc}); nothing was written") from exc
    return [out_dir / rel for rel in sorted(files)]


def scaffold(out_dir: Path) -> list[Path]:
    """Write the template source folder; returns the files written."""
    return write_tree(out_dir, {"catalog.yaml": catalog_template(),
                                "resources/esimerkki.yaml": resource_template()})


CATALOG_HEAD = f"""\
# The catalogue of your organisation's description of information resources (Act 906/2019, s. 28).
# Fill in every value that starts with {TODO} or uses the address example.invalid: `kustavi-dcat publish`
# lists each one that is left (file, line and field) and writes nothing until all are filled in.
# Finnish texts (fi) are required; Swedish (sv) and English (en) are welcome.

"""

RESOURCE_HEAD = f"""\
# One information resource (tietovaranto) per file; copy this file for each. Rename `id` (it becomes
# part of the IRI: lower-case letters, digits and hyphens) and fill in every {TODO}.
"""


def _criterion(ident: str, fi: str, sv: str, en: str) -> dict[str, Any]:
    return example("search criterion", id=ident, label={"fi": fi, "sv": sv, "en": en})


def catalog_template() -> str:
    """``catalog.yaml`` of a new source folder."""
    data = {
        "catalog": example("catalog"),
        "publisher": example("agent", type="LocalAuthority"),
        "contact_point": example("contact point"),
        "spatial": [example("place")],
        "search_criteria": [_criterion("henkilon-nimi", "henkilön nimi", "personens namn", "person's name"),
                            _criterion("henkilotunnus", "henkilötunnus", "personbeteckning",
                                       "personal identity code")],
        "access_bases": [example("access basis")],
        "sections": [example("section", id="esimerkkipalvelut", source_page=example("source page"),
                             technical_interface=example("technical interface", open=False, statement=(
                                 "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.")))],
        "service": example("service"),
    }
    return CATALOG_HEAD + "\n".join(render(schema.CATALOG_FILE, data, spaced=True)) + "\n"


def resource_template() -> str:
    """``resources/esimerkki.yaml``: one example resource with one data set."""
    basis = example("access basis")["id"]
    data = example(
        "resource", id="esimerkki", section="esimerkkipalvelut", access_rights="NON_PUBLIC", access_basis=basis,
        controller=example("controller", agent=example("agent")["id"]), themes=["SOCI"],
        legislation=["906/2019"], systems=[example("system", id="esimerkkijarjestelma")],
        search_criteria=example("search criteria", criteria=["henkilon-nimi", "henkilotunnus"], statement=(
            "Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä, henkilötunnusta.")),
        written_for_catalogue=["themes", "datasets.description", "datasets.themes"],
        datasets=[example("data set", id="esimerkki-hakemukset", themes=["SOCI"])],
    )
    return RESOURCE_HEAD + "\n".join(render(schema.RESOURCE, data)) + "\n"


# -- writing a record with its notes ---------------------------------------------------------------

WIDTH = 106
"""Lines are kept within this many characters where a text can be folded."""


def render(record: Record, data: Mapping[str, Any], indent: int = 0, spaced: bool = False) -> list[str]:
    """``data`` as YAML lines in the schema's order, each key under its note; an optional key left out
    that has a note is written as a comment (``# key: note``), so the template says it exists."""
    lines: list[str] = []
    for key in record.keys:
        if key.name not in data and not (key.note and not key.required):
            continue
        if spaced and lines:
            lines.append("")
        if key.name not in data:
            lines += _comment(f"{key.name}: {key.note}", indent)
            continue
        lines += _comment(key.note, indent)
        lines += _entry(key, data[key.name], indent)
    return lines


def _entry(key: Key, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if key.kind == "record":
        return [f"{pad}{key.name}:", *render(RECORDS[key.of], value, indent + 2)]
    if isinstance(value, Mapping):  # texts by language
        return [f"{pad}{key.name}:", *(line for lang, text in value.items()
                                       for line in _scalar(lang, text, indent + 2))]
    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        sub = RECORDS["system" if key.kind == "systems" else key.of]
        return [f"{pad}{key.name}:", *(line for item in value for line in _item(sub, item, indent + 2))]
    return _scalar(key.name, value, indent)


def _item(record: Record, item: Any, indent: int) -> list[str]:
    """One list item: a record, its first key after ``- ``."""
    if not isinstance(item, Mapping):
        return [f"{' ' * indent}- {_flow(item)}"]
    lines = render(record, item, indent + 2)
    return [f"{' ' * indent}- {lines[0].lstrip()}", *lines[1:]]


def _scalar(name: str, value: Any, indent: int) -> list[str]:
    """``name: value``; a long plain text folded (``>-``) into lines within ``WIDTH``."""
    pad = " " * indent
    if isinstance(value, str) and len(pad) + len(name) + len(value) > WIDTH and " ".join(value.split()) == value:
        return [f"{pad}{name}: >-", *(f"{pad}  {line}" for line in textwrap.wrap(value, WIDTH - indent - 2))]
    return [f"{pad}{name}: {_flow(value)}"]


def _flow(value: Any) -> str:
    """A value on one line, quoted where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...")


def _comment(note: str, indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}# {line}" for line in textwrap.wrap(note, WIDTH - indent - 2)] if note else []
