"""Write a deterministic synthetic source tree of N datasets, in the project's own source format.

    python tests/support/synth.py N DIR [--broken K] [--seed S] [--per-resource LOW-HIGH]

The tree looks like a national aggregator's: many organisations (one agent and one description page,
i.e. section, each), information resources of 4-10 data sets, information systems (some shared between
a organisation's resources), texts in Finnish, Swedish and English, a few records that draw warnings
(no keywords, no dates). Every name is visibly synthetic: organisations are "Esimerkkikunta 17",
addresses live under the reserved top-level domain ``.example``. Codes (EU themes, statutes, YSO
concepts) are the real ones the project accepts, so the tree passes ``loader.load`` and validation.

``--broken K`` makes K information resources break rules of the Finnish profile on purpose (no
information systems, no search criteria, a data set without any theme), for tests of the gate.

``--per-resource 1-1`` gives each information resource a single data set: far more resource files for
the same N than the usual 4-10, to measure how publishing scales with the number of files (100,000
files: ``N=200000 --per-resource 1-1 --per-organisation 400``, which keeps ``catalog.yaml`` under its
1 MiB limit).

The same N, K, seed and sizes always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_IRI = "https://tietovarannot.example/"
DATASETS_PER_RESOURCE = (4, 10)
RESOURCES_PER_ORGANISATION = 40
"""About 250 data sets per organisation: 400 organisations at 100,000 data sets."""

THEMES = ("SOCI", "EDUC", "HEAL", "GOVE", "ECON", "ENVI", "TRAN", "REGI", "JUST", "TECH")
YSO = "http://www.yso.fi/onto/yso/"
SUBJECTS = ("p1650", "p20272", "p12787", "p2433", "p25147", "p19584", "p3286", "p24585", "p8911",
            "p27360", "p15126", "p1307", "p3281", "p24206", "p12440")
LAWS = ("906/2019", "621/1999", "540/2018", "1301/2014", "980/2012", "937/2005", "703/2023")
AGENT_TYPES = ("LocalAuthority", "RegionalAuthority", "NationalAuthority")

AREAS: tuple[tuple[str, str, str, str], ...] = (
    # slug, fi, sv, en
    ("varhaiskasvatus", "Varhaiskasvatus", "Småbarnspedagogik", "Early childhood education"),
    ("perusopetus", "Perusopetus", "Grundläggande utbildning", "Basic education"),
    ("vanhuspalvelut", "Vanhuspalvelut", "Äldreomsorg", "Services for older people"),
    ("sosiaalityo", "Aikuissosiaalityö", "Socialt arbete för vuxna", "Social work for adults"),
    ("lastensuojelu", "Lastensuojelu", "Barnskydd", "Child welfare"),
    ("vammaispalvelut", "Vammaispalvelut", "Handikappservice", "Disability services"),
    ("rakennusvalvonta", "Rakennusvalvonta", "Byggnadstillsyn", "Building control"),
    ("ymparisto", "Ympäristönsuojelu", "Miljöskydd", "Environmental protection"),
    ("kirjasto", "Kirjastopalvelut", "Bibliotekstjänster", "Library services"),
    ("henkilosto", "Henkilöstöhallinto", "Personaladministration", "Human resources"),
    ("talous", "Taloushallinto", "Ekonomiförvaltning", "Financial administration"),
    ("liikunta", "Liikuntapalvelut", "Idrottstjänster", "Sports services"),
)
GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("yhteystiedot", "Asiakkaiden yhteystiedot", "Klienternas kontaktuppgifter", "Contact details of clients"),
    ("hakemukset", "Hakemukset", "Ansökningar", "Applications"),
    ("paatokset", "Päätökset", "Beslut", "Decisions"),
    ("maksut", "Maksut ja laskutus", "Avgifter och fakturering", "Fees and invoicing"),
    ("suunnitelmat", "Asiakassuunnitelmat", "Klientplaner", "Client plans"),
    ("kirjaukset", "Asiakaskirjaukset", "Klientanteckningar", "Client records"),
    ("tilastot", "Tilastot ja raportit", "Statistik och rapporter", "Statistics and reports"),
    ("sopimukset", "Sopimukset", "Avtal", "Contracts"),
    ("palveluntuottajat", "Palveluntuottajat", "Tjänsteproducenter", "Service providers"),
    ("lausunnot", "Lausunnot", "Utlåtanden", "Statements"),
    ("valitukset", "Muistutukset ja valitukset", "Anmärkningar och besvär", "Objections and appeals"),
    ("kokoukset", "Kokousasiakirjat", "Mötesdokument", "Meeting documents"),
)
SYSTEMS = ("Asiakas", "Arkisto", "Talous", "Hallinto", "Palvelu", "Rekisteri", "Kanta", "Portti")


@dataclass(frozen=True)
class Plan:
    """How many data sets each resource gets, and which organisation owns it."""

    sizes: tuple[int, ...]
    organisations: int

    @classmethod
    def of(cls, n: int, rng: random.Random, per_resource: tuple[int, int] = DATASETS_PER_RESOURCE,
           per_organisation: int = RESOURCES_PER_ORGANISATION) -> Plan:
        """Sizes so that resources plus their data sets are exactly ``n`` datasets (each is a dcat:Dataset)."""
        low, high = per_resource
        if n < low + 1:
            raise ValueError(f"N must be at least {low + 1}")
        sizes: list[int] = []
        left = n
        while left > 0:
            size = rng.randint(low, high)
            if left - (size + 1) < low + 1:
                size = left - 1 if left - 1 <= high else left - 1 - (low + 1)
            sizes.append(size)
            left -= size + 1
        return cls(tuple(sizes), max(1, -(-len(sizes) // per_organisation)))


def q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def langs(indent: int, fi: str, sv: str | None, en: str | None) -> str:
    pad = " " * indent
    out = f"{pad}fi: {q(fi)}\n"
    if sv is not None:
        out += f"{pad}sv: {q(sv)}\n"
    if en is not None:
        out += f"{pad}en: {q(en)}\n"
    return out


def org_slug(k: int) -> str:
    return f"org{k:04d}"


def catalog_yaml(plan: Plan) -> str:
    out = [
        "# Synthetic national catalogue for benchmarks (tests/support/synth.py): every name is made up.\n",
        "catalog:\n  id: kansallinen\n",
        f"  base_iri: {BASE_IRI}\n",
        "  title:\n" + langs(4, "Julkisen hallinnon tietovarannot (synteettinen)",
                              "Den offentliga förvaltningens informationsresurser (syntetisk)",
                              "Information resources of public administration (synthetic)"),
        "  description:\n" + langs(4, "Synteettinen kansallinen kuvaus tietovarannoista suorituskyvyn mittaamiseen.",
                                    "Syntetisk nationell beskrivning av informationsresurser för prestandamätning.",
                                    "Synthetic national description of information resources for benchmarks."),
        "  languages: [fi, sv, en]\n",
        "  homepage: https://tietovarannot.example/\n",
        "  issued: 2024-01-15\n",
        "publisher:\n  id: kokoaja\n  name:\n" + langs(4, "Kokoava virasto", "Sammanställande myndighet",
                                                    "Aggregating agency"),
        "  type: NationalAuthority\n  homepage: https://kokoaja.example/\n  email: kirjaamo@kokoaja.example\n",
        "contact_point:\n  id: kokoaja\n  name:\n" + langs(4, "Kokoava virasto", "Sammanställande myndighet",
                                                       "Aggregating agency"),
        "  email: kirjaamo@kokoaja.example\n",
        "spatial:\n  - iri: http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/304\n    label:\n"
        + langs(6, "Kustavi", "Gustavs", "Kustavi"),
        "search_criteria:\n",
        "  - id: henkilon-nimi\n    label:\n" + langs(6, "henkilön nimi", "personens namn", "person's name"),
        "  - id: henkilotunnus\n    label:\n" + langs(6, "henkilötunnus", "personbeteckning",
                                                      "personal identity code"),
        "  - id: asianumero\n    label:\n" + langs(6, "asianumero", "ärendenummer", "case number"),
        "access_bases:\n  - id: salassa\n    statutes: [621/1999]\n    text:\n"
        + langs(6, "Salassa pidettävä (621/1999, 24 § 1 mom. 25 k.).", "Sekretessbelagt (621/1999, 24 § 1 mom. 25 p.).",
                "Secret (621/1999, section 24(1)(25))."),
        "agents:\n",
    ]
    for k in range(1, plan.organisations + 1):
        out.append(f"  - id: {org_slug(k)}\n    name:\n"
                   + langs(6, f"Esimerkkikunta {k}", f"Exempelkommun {k}", f"Example Municipality {k}")
                   + f"    type: {AGENT_TYPES[k % len(AGENT_TYPES)]}\n"
                   + f"    homepage: https://{org_slug(k)}.example/\n"
                   + f"    email: kirjaamo@{org_slug(k)}.example\n")
    out.append("sections:\n")
    for k in range(1, plan.organisations + 1):
        out.append(f"  - id: {org_slug(k)}-tietovarannot\n    title:\n"
                   + langs(6, f"Esimerkkikunnan {k} tietovarannot", f"Exempelkommun {k}s informationsresurser",
                           f"Information resources of Example Municipality {k}")
                   + "    description:\n"
                   + langs(6, f"Esimerkkikunnan {k} kuvaus tietovarannoistaan (tiedonhallintalaki 906/2019, 28 §).",
                           f"Exempelkommun {k}s beskrivning av sina informationsresurser.",
                           f"Example Municipality {k}'s description of its information resources.")
                   + "    technical_interface:\n      open: false\n      statement:\n"
                   + langs(8, "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.",
                           "Datamängderna är inte öppet tillgängliga via ett tekniskt gränssnitt.",
                           "The data sets are not openly available through a technical interface.")
                   + f"    cross_references:\n      - id: {org_slug(k)}-asianhallinta\n        documents:\n"
                   + langs(10, "Esityslistat, pöytäkirjat ja viranhaltijapäätökset",
                           "Föredragningslistor, protokoll och tjänsteinnehavarbeslut",
                           "Agendas, minutes and officials' decisions")
                   + "        see:\n"
                   + langs(10, "Katso asianhallintarekisteri.", "Se ärendehanteringsregistret.",
                           "See the case management register."))
    out.append("service:\n  id: katalogi\n  title:\n"
               + langs(4, "Tietovarantojen kuvailutietojen DCAT-AP-palvelu", "DCAT-AP-tjänst för metadata",
                       "DCAT-AP service for metadata")
               + "  description:\n"
               + langs(4, "Julkaisee luettelon kuvailutiedot DCAT-AP 3.0.1 -muodossa.",
                       "Publicerar katalogens metadata enligt DCAT-AP 3.0.1.",
                       "Publishes the catalogue's metadata as DCAT-AP 3.0.1."))
    return "".join(out)


def resource_yaml(index: int, size: int, org: int, refer: bool, rng: random.Random, broken: bool) -> str:  # noqa: C901 -- one branch per optional field of a generated record
    """One information resource record with ``size`` data sets."""
    area = AREAS[index % len(AREAS)]
    rid = f"r{index:06d}-{area[0]}"
    themes = rng.sample(THEMES, rng.randint(1, 3))
    subjects = rng.sample(SUBJECTS, rng.randint(1, 4))
    laws = ["906/2019", "621/1999", *rng.sample(LAWS[2:], rng.randint(0, 2))]
    quiet = index % 97 == 13  # a few resources without keywords or dates: they draw warnings
    out = [
        f"# Synthetic information resource {index} of {org_slug(org)}.\n",
        f"id: {rid}\n",
        f"section: {org_slug(org)}-tietovarannot\n",
        f"publisher: {org_slug(org)}\n",
        "title:\n" + langs(2, f"{area[1]}: tietovaranto {index}", f"{area[2]}: informationsresurs {index}",
                           f"{area[3]}: information resource {index}"),
        "description:\n" + langs(
            2, f"Tietoaineistoilla hoidetaan palvelualueen {area[1].lower()} tehtäviä, kuten asiakkaiden "
               f"palvelujen suunnittelua, päätöksentekoa ja tilastointia (tietovaranto {index}).",
            f"Med datamängderna sköts uppgifter inom {area[2].lower()}, såsom planering av tjänster, "
            f"beslutsfattande och statistik (informationsresurs {index}).",
            None if index % 5 == 0 else
            f"The data sets serve the tasks of {area[3].lower()}, such as planning services, making "
            f"decisions and compiling statistics (information resource {index})."),
        f"access_rights: {'PUBLIC' if index % 23 == 0 else 'RESTRICTED' if index % 7 == 0 else 'NON_PUBLIC'}\n",
        "" if index % 23 == 0 else "access_basis: salassa\n",
        f"themes: [{', '.join(themes)}]\n",
        "subjects:\n" + "".join(f"  - {YSO}{s}\n" for s in subjects),
    ]
    if not quiet:
        out.append("keywords:\n"
                   f"  fi: [{area[1].lower()}, asiakasrekisterit, tietovaranto {index}]\n"
                   f"  sv: [{area[2].lower()}, klientregister]\n"
                   f"  en: [{area[3].lower()}, client registers]\n")
        out.append(f"issued: 20{10 + index % 14:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}\n")
    out.append("legislation: [" + ", ".join(q(law) for law in laws) + "]\n")
    own = [f"{org_slug(org)}-{SYSTEMS[(index + j) % len(SYSTEMS)].lower()}-{index}" for j in range(rng.randint(1, 2))]
    if not broken:
        out.append("systems:\n")
        for j, sid in enumerate(own):
            name = f"{SYSTEMS[(index + j) % len(SYSTEMS)]} {index}"
            out.append(f"  - id: {sid}\n    name:\n" + langs(6, name, None, None))
            if j == 0:
                out.append("    description:\n" + langs(6, area[1].lower(), area[2].lower(), area[3].lower()))
        if refer:  # refer to a system the previous resource of the organisation defines
            out.append(f"  - {org_slug(org)}-{SYSTEMS[(index - 1) % len(SYSTEMS)].lower()}-{index - 1}\n")
        criteria = ["henkilon-nimi", "henkilotunnus"] if index % 3 else ["asianumero"]
        out.append(f"search_criteria:\n  criteria: [{', '.join(criteria)}]\n  statement:\n"
                   + langs(4, "Tietopyynnöissä voidaan käyttää hakutekijöinä: " + ", ".join(criteria) + ".",
                           "I informationsbegäranden kan följande sökkriterier användas: "
                           + ", ".join(criteria) + ".", None))
    out.append("datasets:\n")
    for j in range(size):
        group = GROUPS[(index * 7 + j) % len(GROUPS)]
        did = f"{rid}-{j + 1:02d}-{group[0]}"
        out.append(f"  - id: {did}\n    title:\n"
                   + langs(6, f"{group[1]} ({area[1].lower()}, {index}.{j + 1})",
                           f"{group[2]} ({area[2].lower()}, {index}.{j + 1})",
                           f"{group[3]} ({area[3].lower()}, {index}.{j + 1})")
                   + "    description:\n"
                   + langs(6, f"{group[1]} \N{EN DASH} tietoaineisto, joka kuuluu tietovarantoon {index}.",
                           f"{group[2]} \N{EN DASH} datamängd som hör till informationsresurs {index}.",
                           None if j % 4 == 3 else f"{group[3]}: a data set of information resource {index}."))
        if broken and j == 0:
            out.append("    themes: []\n")
        else:  # a data set states its own themes; nothing is inherited from the resource
            out.append(f"    themes: [{themes[0] if j % 3 == 1 else ', '.join(themes)}]\n")
        if j % 4 == 2:
            out.append(f"    keywords:\n      fi: [{group[1].lower()}]\n      sv: [{group[2].lower()}]\n")
        if j % 5 == 4 and not broken:
            out.append(f"    systems: [{own[0]}]\n")
        if j % 6 == 5 and not quiet:
            out.append(f"    modified: 2025-{1 + (index + j) % 12:02d}-{1 + j % 28:02d}\n")
    return "".join(out)


def write_tree(n: int, folder: Path, broken: int = 0, seed: int = 906,
               per_resource: tuple[int, int] = DATASETS_PER_RESOURCE,
               per_organisation: int = RESOURCES_PER_ORGANISATION) -> int:
    """Write the tree; returns the number of information resources. ``folder`` is created or refilled."""
    rng = random.Random(f"{seed}:{n}")
    plan = Plan.of(n, rng, per_resource, per_organisation)
    resources = folder / "resources"
    resources.mkdir(parents=True, exist_ok=True)
    for old in resources.glob("*.yaml"):
        old.unlink()
    (folder / "catalog.yaml").write_text(catalog_yaml(plan), "utf-8")
    step = max(1, len(plan.sizes) // broken) if broken else 0
    previous: tuple[int, bool] = (0, True)  # (organisation, broken) of the resource before
    for index, size in enumerate(plan.sizes, start=1):
        org = 1 + (index - 1) // per_organisation
        is_broken = bool(broken) and (index - 1) % step == step // 2 and (index - 1) // step < broken
        refer = previous[0] == org and not previous[1]
        text = resource_yaml(index, size, org, refer, rng, is_broken)
        previous = (org, is_broken)
        area = AREAS[index % len(AREAS)][0]
        (resources / f"r{index:06d}-{area}.yaml").write_text(text, "utf-8")
    return len(plan.sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of datasets (information resources + their data sets)")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--broken", type=int, default=0, help="resources that break the Finnish profile")
    parser.add_argument("--seed", type=int, default=906)
    parser.add_argument("--per-resource", default="{}-{}".format(*DATASETS_PER_RESOURCE),
                        help="data sets per information resource, LOW-HIGH")
    parser.add_argument("--per-organisation", type=int, default=RESOURCES_PER_ORGANISATION,
                        help="information resources per organisation (each has a section in catalog.yaml)")
    args = parser.parse_args(argv)
    low, high = (int(x) for x in args.per_resource.split("-"))
    count = write_tree(args.n, args.folder, args.broken, args.seed, (low, high), args.per_organisation)
    print(f"wrote {args.folder}: {count} information resources", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
