"""Start a source folder: ``kustavi-dcat init DIR`` writes a catalogue and one example resource.

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
from collections.abc import Mapping
from pathlib import Path

from kustavi_dcat.errors import KustaviError, OutputError

TODO = "TODO"
"""Texts starting with this word are placeholders (``yamlnodes.PLACEHOLDER_RE`` refuses them)."""

PLACEHOLDER_BASE_IRI = "https://example.invalid/tietovarannot/"
PLACEHOLDER_EMAIL = "TODO@example.invalid"
PLACEHOLDER_HOMEPAGE = "https://example.invalid/"


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
    return write_tree(out_dir, {"catalog.yaml": CATALOG_TEMPLATE,
                                "resources/esimerkki.yaml": RESOURCE_TEMPLATE})


CATALOG_TEMPLATE = f"""\
# The catalogue of your organisation's description of information resources (Act 906/2019, s. 28).
# Fill in every value that starts with {TODO} or uses the address example.invalid: `kustavi-dcat publish`
# lists each one that is left (file, line and field) and writes nothing until all are filled in.
# Finnish texts (fi) are required; Swedish (sv) and English (en) are welcome.

catalog:
  id: tietovarannot
  # Every IRI of the catalogue is this base followed by e.g. `dataset/<id>`: an address under your own
  # domain where the published files will be served, ending with `/`. Harvesters identify datasets by
  # IRI, so choose it once and keep it.
  base_iri: {PLACEHOLDER_BASE_IRI}
  # Say what the catalogue covers, e.g. "Esimerkkilän sosiaalipalveluiden tietovarannot" if only that
  # page is described.
  title:
    fi: "{TODO}: organisaation nimi: kuvaus tietovarannoista"
  description:
    fi: >-
      {TODO}: kuvaus tietovarannoista tiedonhallintalain (906/2019) 28 §:n mukaisesti: tietojärjestelmät,
      tietoaineistot, hakutekijät ja tietoaineistojen saatavuus teknisen rajapinnan avulla.
  languages: [fi]
  # homepage: the address of the catalogue's own web page, if it has one (not the organisation's front
  # page); leave it out otherwise.

publisher:
  id: julkaisija
  name:
    fi: "{TODO}: organisaation nimi"
  # ADMS publisher type, e.g. LocalAuthority (a municipality), RegionalAuthority, NationalAuthority.
  type: LocalAuthority
  homepage: {PLACEHOLDER_HOMEPAGE}
  email: {PLACEHOLDER_EMAIL}

# Whom to ask about the data: usually the registry office (kirjaamo).
contact_point:
  id: julkaisija
  name:
    fi: "{TODO}: organisaation nimi"
  email: {PLACEHOLDER_EMAIL}

# Where the data is about: your municipality in the uri.suomi.fi municipality code list, e.g.
# http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/304 for Kustavi.
spatial:
  - iri: http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/{TODO}
    label:
      fi: "{TODO}: kunnan nimi"

# Search criteria (hakutekijät) that resources refer to by id.
search_criteria:
  - id: henkilon-nimi
    label:
      fi: henkilön nimi
      sv: personens namn
      en: person's name
  - id: henkilotunnus
    label:
      fi: henkilötunnus
      sv: personbeteckning
      en: personal identity code

# The legal basis of each access right other than PUBLIC: the provisions that make the documents secret,
# e.g. "Salassa pidettävä: laki viranomaisten toiminnan julkisuudesta (621/1999) 24 § 1 mom. 25 k.".
# Resources and data sets refer to one with `access_basis: <id>`.
access_bases:
  - id: salassapitoperuste
    statutes: ["621/1999"]
    text:
      fi: "{TODO}: salassapitoperuste, esim. julkisuuslain 621/1999 24 § 1 mom. ja kohta"

# One section per description page (e.g. social services, education), published as a sub-catalogue.
sections:
  - id: esimerkkipalvelut
    # The page this section transcribes: its title and, only if known, its address (url:), and the date
    # the records were last compared with it (checked: YYYY-MM-DD).
    source_page:
      title:
        fi: "{TODO}: sivun otsikko"
    title:
      fi: "{TODO}: sivun otsikko, esim. Sosiaalipalveluiden tietovarannot"
    description:
      fi: "{TODO}: sivun johdantoteksti"
    technical_interface:
      # true only if the page says the data IS openly available through a technical interface.
      open: false
      statement:
        fi: Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.

# The data service that serves this catalogue (no need to change).
service:
  id: katalogi
  title:
    fi: Tietovarantojen kuvailutietojen DCAT-AP-palvelu
  description:
    fi: >-
      Julkaisee tämän luettelon kuvailutiedot DCAT-AP 3.0.1 -muodossa (Turtle, JSON-LD, RDF/XML ja
      N-Triples). Palvelu välittää vain kuvailutietoja, ei tietovarantojen sisältämiä tietoja.
"""

RESOURCE_TEMPLATE = f"""\
# One information resource (tietovaranto) per file; copy this file for each. Rename `id` (it becomes
# part of the IRI: lower-case letters, digits and hyphens) and fill in every {TODO}.
id: esimerkki
section: esimerkkipalvelut
title:
  fi: "{TODO}: tietovarannon nimi, esim. Varhaiskasvatuksen tietovaranto"
# The purpose text (tarkoitus) of the resource.
description:
  fi: "{TODO}: tietovarannon käyttötarkoitus"
# NON_PUBLIC unless the data itself is public; a NON_PUBLIC or RESTRICTED right names its legal basis
# (an id under `access_bases:` in catalog.yaml). A data set may state its own `access_rights` and
# `access_basis` (e.g. PUBLIC statistics); otherwise it has the resource's.
access_rights: NON_PUBLIC
access_basis: salassapitoperuste
# Who controls these records now (rekisterinpitäjä): an agent id, since when if known, and the source of
# the fact. Leave out what you cannot verify.
controller:
  agent: julkaisija
  note:
    fi: "{TODO}: kuka on rekisterinpitäjä ja mistä lähtien (lähde)"
# EU data themes: SOCI (social), EDUC (education), HEAL (health), GOVE (government), ...
themes: [SOCI]
# Statutes as number/year (published as Finlex ELI IRIs), e.g. 906/2019.
legislation: ["906/2019"]
# Tietojärjestelmät
systems:
  - id: esimerkkijarjestelma
    name:
      fi: "{TODO}: tietojärjestelmän nimi"
# Hakutekijät, joilla asiakirjoja on mahdollista hakea (ids from catalog.yaml `search_criteria`)
search_criteria:
  criteria: [henkilon-nimi, henkilotunnus]
  statement:
    fi: Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä, henkilötunnusta.
# Fields whose text you wrote for the catalogue rather than copied from the page (for review).
written_for_catalogue: [themes, datasets.description, datasets.themes]
# Tietoaineistot. A data set states its own themes (and systems, subjects, statutes if any): nothing is
# copied from the resource. Make its title understandable on its own; `alternative` keeps the page's.
datasets:
  - id: esimerkki-hakemukset
    title:
      fi: "{TODO}: tietoaineiston nimi, esim. Hakemukset \u2013 Esimerkkilän varhaiskasvatus"
    description:
      fi: "{TODO}: tietoaineiston kuvaus"
    themes: [SOCI]
"""
