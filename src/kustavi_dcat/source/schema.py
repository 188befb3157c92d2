"""The source format, stated once: for each record, its YAML keys in the order a steward writes them.

Each ``Key`` says what a key holds (its *kind*: which reader the loader calls), whether it is required,
its value when left out, the vocabulary of a code, the placeholder ``init`` and ``import`` write where a
value cannot be known, and one line for the docs. The loader reads by this table, ``import`` orders what
it writes by it, ``init`` writes its template from it, and a test holds it to the dataclasses of
``models``: a new field is one line here (and the reader of its kind, if the kind is new).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from kustavi_dcat import models, vocab

TODO = "TODO"
"""Texts starting with this word are placeholders (``yamlnodes.PLACEHOLDER_RE`` refuses them)."""

PLACEHOLDER_BASE_IRI = "https://example.invalid/tietovarannot/"
PLACEHOLDER_EMAIL = "TODO@example.invalid"
PLACEHOLDER_HOMEPAGE = "https://example.invalid/"
MUNICIPALITY_CODES = "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/"
"""The uri.suomi.fi code list of municipalities; a place's IRI is this followed by the three-digit code."""

KINDS = ("langtext", "langlist", "id", "ref", "refs", "iri", "iris", "base_iri", "email", "date", "bool",
         "code", "codes", "statutes", "record", "records", "systems", "fields")
"""What a key can hold; the loader has one reader per kind (a test checks that)."""


@dataclass(frozen=True)
class Key:
    """One YAML key of a record: also the name of its dataclass field."""

    name: str
    kind: str
    doc: str
    required: bool = False
    default: Any = None
    """The value when the key is left out (``None`` for an optional value nobody states)."""
    of: str = ""
    """For ids and references: the kind of identifier; for codes: what the code is, as a message names it;
    for records: the record's name in ``RECORDS``."""
    codes: tuple[str, ...] = ()
    placeholder: str | None = None
    """What ``init`` and ``import`` write when they cannot know the value (refused until filled in)."""
    example: Any = None
    """A value ``init`` and ``import`` write as it is (a Finnish text for a text by language)."""
    note: str = ""
    """A comment ``init`` writes above the key: how to fill it in (for a key it leaves out, as
    ``# key: note``)."""

    def fails_record(self) -> bool:
        """Whether a value that cannot be read leaves the whole record unread: a required value, or one
        whose field has a default other than ``None`` (the record could not say "unknown")."""
        return self.required or self.default is not None


@dataclass(frozen=True)
class Record:
    """A kind of record: the dataclass it becomes (``None``: a plain dictionary) and its keys."""

    name: str
    type: type | None
    keys: tuple[Key, ...]
    derived: tuple[str, ...] = ("origin",)
    """Dataclass fields not read from a key of their own (``origin``: where the record starts)."""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys if k.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys if not k.required)

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)

    def field_names(self) -> tuple[str, ...]:
        """The dataclass fields this record states: its keys and the derived ones."""
        return (*(k.name for k in self.keys), *self.derived)


def _lang(name: str, doc: str, required: bool = True, **more: Any) -> Key:
    return Key(name, "langtext", doc, required=required, **more)


_NO_WORDS = models.LangList(())

RECORDS: dict[str, Record] = {r.name: r for r in (
    Record("catalog", models.Catalog, (
        Key("id", "id", "the catalogue's identifier", required=True, of="catalog", example="tietovarannot"),
        Key("base_iri", "base_iri", "the address every IRI of the catalogue starts with; ends with `/`",
            required=True, placeholder=PLACEHOLDER_BASE_IRI,
            note="Every IRI of the catalogue is this base followed by e.g. `dataset/<id>`: an address under "
                 "your own domain where the published files will be served, ending with `/`. Harvesters "
                 "identify datasets by IRI, so choose it once and keep it."),
        _lang("title", "what the catalogue covers", placeholder=f"{TODO}: organisaation nimi: kuvaus tietovarannoista",
              note='Say what the catalogue covers, e.g. "Esimerkkilän sosiaalipalveluiden tietovarannot" if '
                   "only that page is described."),
        _lang("description", "the catalogue's description",
              example="Kuvaus tietovarannoista tiedonhallintalain (906/2019) 28 §:n mukaisesti: tietojärjestelmät, "
                      "tietoaineistot, hakutekijät ja tietoaineistojen saatavuus teknisen rajapinnan avulla."),
        Key("languages", "codes", "languages of the catalogue's texts", default=("fi",),
            of="language (use fi, sv or en)", codes=models.LANGUAGES, example=["fi"]),
        Key("homepage", "iri", "the catalogue's own web page (not the organisation's front page)",
            note="the address of the catalogue's own web page, if it has one (not the organisation's front "
                 "page); leave it out otherwise."),
        Key("issued", "date", "when the catalogue was first published"),
        Key("modified", "date", "when the catalogue last changed"),
    ), derived=("origin",)),
    Record("agent", models.Agent, (
        Key("id", "id", "the organisation's identifier", required=True, of="agent", example="julkaisija"),
        _lang("name", "the organisation's name", placeholder=f"{TODO}: organisaation nimi"),
        Key("type", "code", "ADMS publisher type", of="publisher type (ADMS)", codes=vocab.PUBLISHER_TYPES,
            note="ADMS publisher type, e.g. LocalAuthority (a municipality), RegionalAuthority, "
                 "NationalAuthority."),
        Key("homepage", "iri", "the organisation's web site", placeholder=PLACEHOLDER_HOMEPAGE),
        Key("email", "email", "the organisation's e-mail address", placeholder=PLACEHOLDER_EMAIL),
    )),
    Record("contact point", models.ContactPoint, (
        Key("id", "id", "the contact point's identifier", required=True, of="contact point",
            example="julkaisija"),
        _lang("name", "whom to ask", placeholder=f"{TODO}: organisaation nimi"),
        Key("email", "email", "the address to write to", required=True, placeholder=PLACEHOLDER_EMAIL),
        Key("homepage", "iri", "a web page about contacting"),
    )),
    Record("place", models.Place, (
        Key("iri", "iri", "the place in the uri.suomi.fi municipality code list", required=True,
            placeholder=f"{MUNICIPALITY_CODES}{TODO}"),
        _lang("label", "the place's name", placeholder=f"{TODO}: kunnan nimi"),
    )),
    Record("search criterion", models.SearchCriterion, (
        Key("id", "id", "the criterion's identifier, referred to by resources", required=True,
            of="search criterion"),
        _lang("label", "the criterion's name"),
    )),
    Record("access basis", models.AccessBasis, (
        Key("id", "id", "the basis's identifier, referred to by `access_basis:`", required=True,
            of="access basis", example="salassapitoperuste"),
        Key("statutes", "statutes", "the statutes it cites, as number/year", required=True,
            example=["621/1999"]),
        _lang("text", "the provisions that make the documents secret",
              placeholder=f"{TODO}: salassapitoperuste, esim. laki viranomaisten toiminnan julkisuudesta "
                          "(621/1999) 24 § 1 mom. ja kohta"),
    )),
    Record("technical interface", models.TechnicalInterface, (
        Key("open", "bool", "whether the data is openly available through a technical interface",
            required=True,
            note="true only if the page says the data IS openly available through a technical interface."),
        _lang("statement", "the page's statement, as written"),
    )),
    Record("cross-reference", models.CrossReference, (
        Key("id", "id", "the cross-reference's identifier", required=True, of="cross-reference"),
        _lang("documents", "the documents referred to"),
        _lang("see", "where they are described"),
    )),
    Record("source page", models.SourcePage, (
        _lang("title", "the page's title", placeholder=f"{TODO}: sivun otsikko"),
        Key("url", "iri", "the page's address, only if known"),
        Key("checked", "date", "when the records were last compared with the page"),
    )),
    Record("section", models.Section, (
        Key("id", "id", "the section's identifier", required=True, of="section"),
        Key("source_page", "record", "the page this section transcribes", of="source page",
            note="The page this section transcribes: its title and, only if known, its address (url:), and "
                 "the date the records were last compared with it (checked: YYYY-MM-DD)."),
        _lang("title", "the page's title", placeholder=f"{TODO}: sivun otsikko, esim. Sosiaalipalveluiden "
                                                      "tietovarannot"),
        _lang("subtitle", "the page's subtitle", required=False),
        _lang("description", "the page's introduction", placeholder=f"{TODO}: sivun johdantoteksti"),
        Key("technical_interface", "record", "availability through a technical interface",
            of="technical interface"),
        Key("cross_references", "records", "pointers to where other documents are kept", default=(),
            of="cross-reference"),
        Key("resources", "refs", "ids of its information resources, in the page's order", default=(),
            of="information resource",
            note="The ids of this page's information resources in the order the page lists them; when left "
                 "out, they are shown in the order of their file names."),
    )),
    Record("service", models.Service, (
        Key("id", "id", "the data service's identifier", required=True, of="service", example="katalogi"),
        _lang("title", "the service's title", example="Tietovarantojen kuvailutietojen DCAT-AP-palvelu"),
        _lang("description", "what the service serves",
              example="Julkaisee tämän luettelon kuvailutiedot DCAT-AP 3.0.1 -muodossa (Turtle, JSON-LD, "
                      "RDF/XML ja N-Triples). Palvelu välittää vain kuvailutietoja, ei tietovarantojen "
                      "sisältämiä tietoja."),
        Key("endpoint_url", "iri", "the service's address"),
        Key("keywords", "langlist", "words by language", default=_NO_WORDS),
        Key("themes", "codes", "EU data themes", default=(), of="EU data theme", codes=vocab.THEMES),
    )),
    Record("system", models.System, (
        Key("id", "id", "the system's identifier", required=True, of="system"),
        _lang("name", "the system's name", placeholder=f"{TODO}: tietojärjestelmän nimi"),
        _lang("description", "what the system is", required=False),
    )),
    Record("search criteria", models.SearchCriteria, (
        Key("criteria", "refs", "ids of search criteria in catalog.yaml", required=True, of="search criterion"),
        Key("exhaustive", "bool", "whether the sentence lists every criterion", default=False),
        _lang("statement", "the sentence that states them"),
    )),
    Record("controller", models.Controller, (
        Key("agent", "ref", "the agent that controls the records", required=True, of="agent"),
        Key("since", "date", "since when, if known"),
        _lang("note", "who, since when, and the public source saying so",
              placeholder=f"{TODO}: kuka on rekisterinpitäjä ja mistä lähtien (lähde)"),
    )),
    Record("period", models.Period, (
        Key("start", "date", "when the records start, if known"),
        Key("end", "date", "when the records end, if known"),
        _lang("note", "what is known of the period"),
    )),
    Record("data set", models.DataSet, (
        Key("id", "id", "the data set's identifier", required=True, of="data set"),
        _lang("title", "a title understandable on its own",
              placeholder=f"{TODO}: tietoaineiston nimi, esim. Hakemukset \u2013 Esimerkkilän varhaiskasvatus"),
        _lang("alternative", "the page's own title, when `title` was made unique", required=False),
        _lang("description", "the data set's description", placeholder=f"{TODO}: tietoaineiston kuvaus"),
        Key("keywords", "langlist", "words by language, added to the resource's", default=_NO_WORDS),
        Key("systems", "refs", "ids of this resource's systems", default=(), of="resource system"),
        Key("themes", "codes", "EU data themes", default=(), of="EU data theme", codes=vocab.THEMES),
        Key("subjects", "iris", "subject IRIs", default=()),
        Key("issued", "date", "when the data set was first published"),
        Key("modified", "date", "when the data set last changed"),
        Key("legislation", "statutes", "statutes as number/year", default=()),
        Key("access_rights", "code", "its own access right (else the resource's)", of="EU access right",
            codes=vocab.ACCESS_RIGHTS),
        Key("access_basis", "ref", "id of its access basis", of="access basis"),
    )),
    Record("resource", models.Resource, (
        Key("id", "id", "the resource's identifier (part of its IRI)", required=True, of="information resource"),
        Key("section", "ref", "id of its section in catalog.yaml", required=True, of="section"),
        _lang("title", "the resource's name", placeholder=f"{TODO}: tietovarannon nimi, esim. "
                                                         "Varhaiskasvatuksen tietovaranto"),
        _lang("description", "its purpose (tarkoitus)", placeholder=f"{TODO}: tietovarannon käyttötarkoitus",
              note="The purpose text (tarkoitus) of the resource."),
        Key("access_rights", "code", "EU access right", default="NON_PUBLIC", of="EU access right",
            codes=vocab.ACCESS_RIGHTS,
            note="NON_PUBLIC unless the data itself is public; a NON_PUBLIC or RESTRICTED right names its "
                 "legal basis (an id under `access_bases:` in catalog.yaml). A data set may state its own "
                 "`access_rights` and `access_basis` (e.g. PUBLIC statistics); otherwise it has the "
                 "resource's."),
        Key("access_basis", "ref", "id of its access basis in catalog.yaml", of="access basis"),
        Key("controller", "record", "who controls the records now (rekisterinpitäjä)", of="controller",
            note="Who controls these records now (rekisterinpitäjä): an agent id, since when if known, and "
                 "the source of the fact. Leave out what you cannot verify."),
        Key("period", "record", "the period the records cover", of="period"),
        Key("publisher", "ref", "id of its publisher, if not the catalogue's", of="agent"),
        Key("custodian", "ref", "id of the agent that holds the data", of="agent"),
        Key("contact_point", "ref", "id of its contact point", of="contact point"),
        Key("themes", "codes", "EU data themes", required=True,
            of="EU data theme", codes=vocab.THEMES,
            note="EU data themes: SOCI (social), EDUC (education), HEAL (health), GOVE (government), ..."),
        Key("subjects", "iris", "subject IRIs", default=()),
        Key("keywords", "langlist", "words by language", default=_NO_WORDS),
        Key("legislation", "statutes", "statutes as number/year", default=(),
            note="Statutes as number/year (published as Finlex ELI IRIs), e.g. 906/2019."),
        Key("systems", "systems", "its information systems (tietojärjestelmät): defined here, or ids",
            default=(), of="system", note="Tietojärjestelmät"),
        Key("search_criteria", "record", "its search criteria (hakutekijät)", of="search criteria",
            note="Hakutekijät, joilla asiakirjoja on mahdollista hakea (ids from catalog.yaml "
                 "`search_criteria`)"),
        Key("technical_interface", "record", "availability through a technical interface",
            of="technical interface"),
        Key("issued", "date", "when the resource was first published"),
        Key("modified", "date", "when the resource last changed"),
        Key("written_for_catalogue", "fields", "fields written for the catalogue, not taken from the page",
            default=(), note="Fields whose text you wrote for the catalogue rather than copied from the page "
                             "(for review)."),
        Key("datasets", "records", "its data sets (tietoaineistot)", required=True, of="data set",
            note="Tietoaineistot. A data set states its own themes (and systems, subjects, statutes if any): "
                 "nothing is copied from the resource. Make its title understandable on its own; "
                 "`alternative` keeps the page's."),
    ), derived=("origin", "system_refs")),
    Record("catalog file", None, (
        Key("catalog", "record", "the catalogue", required=True, of="catalog"),
        Key("publisher", "record", "the organisation that publishes the catalogue", required=True, of="agent"),
        Key("agents", "records", "other organisations, referred to by id", default=(), of="agent"),
        Key("contact_point", "record", "whom to ask about the data", required=True, of="contact point",
            note="Whom to ask about the data: usually the registry office (kirjaamo)."),
        Key("spatial", "records", "where the data is about", default=(), of="place",
            note="Where the data is about: your municipality in the uri.suomi.fi municipality code list, "
                 f"e.g. {MUNICIPALITY_CODES}304 for Kustavi."),
        Key("search_criteria", "records", "search criteria (hakutekijät) that resources refer to", default=(),
            of="search criterion", note="Search criteria (hakutekijät) that resources refer to by id."),
        Key("access_bases", "records", "legal bases of access rights other than PUBLIC", default=(),
            of="access basis",
            note="The legal basis of each access right other than PUBLIC: the provisions that make the "
                 'documents secret, e.g. "Salassa pidettävä: laki viranomaisten toiminnan julkisuudesta '
                 '(621/1999) 24 § 1 mom. 25 k.". Resources and data sets refer to one with `access_basis: '
                 "<id>`."),
        Key("sections", "records", "one per description page, published as a sub-catalogue", default=(),
            of="section", note="One section per description page (e.g. social services, education), "
                               "published as a sub-catalogue."),
        Key("service", "record", "the data service that serves this catalogue", required=True, of="service",
            note="The data service that serves this catalogue (no need to change)."),
    ), derived=("resources",)),
)}
"""Every record of the source format, by name; ``catalog file`` is ``catalog.yaml`` (the ``Source``
fields other than the resources, which are the files of ``resources/``)."""

CATALOG_FILE = RECORDS["catalog file"]
RESOURCE = RECORDS["resource"]

REVIEWABLE = frozenset(k.name for k in RESOURCE.keys if k.name not in ("id", "section")) | {
    f"datasets.{k.name}" for k in RECORDS["data set"].keys if k.name != "id"}
"""Fields a resource's ``written_for_catalogue:`` may name (``datasets.<field>`` for every data set's)."""


def example(name: str, /, **given: Any) -> dict[str, Any]:
    """A record of kind ``name`` as ``init`` and ``import`` write it: the ``given`` values, else each key's
    example or placeholder (texts by language in Finnish); a required key with neither must be given."""
    out: dict[str, Any] = {}
    for key in RECORDS[name].keys:
        value = given.pop(key.name, key.example if key.example is not None else key.placeholder)
        if value is None and key.required:
            raise ValueError(f"{name}: give a value for `{key.name}` (the schema has no example)")
        if value is not None:
            out[key.name] = {"fi": value} if key.kind == "langtext" and isinstance(value, str) else value
    if given:
        raise ValueError(f"{name}: not keys of the source format: {', '.join(sorted(given))}")
    return out


def placeholder(name: str, key: str) -> str:
    """The placeholder of a key (``import`` writes it where an option is not given)."""
    value = RECORDS[name].key(key).placeholder
    if value is None:
        raise ValueError(f"{name}.{key} has no placeholder")
    return value


def dataclass_fields(record: Record) -> tuple[str, ...]:
    """The fields of the record's dataclass (for ``catalog file``: those of ``Source``)."""
    return tuple(f.name for f in fields(record.type or models.Source))


def ordered(record: Record, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (a record as YAML-ready values) with its keys, and those of the records in it, in the
    schema's order; a key the schema does not know is an error in the caller (the loader would refuse it)."""
    unknown = set(data) - {k.name for k in record.keys}
    if unknown:
        raise ValueError(f"{record.name}: not keys of the source format: {', '.join(sorted(unknown))}")
    return {k.name: _ordered_value(k, data[k.name]) for k in record.keys if k.name in data}


def _ordered_value(key: Key, value: Any) -> Any:
    if key.kind == "record" and isinstance(value, Mapping):
        return ordered(RECORDS[key.of], value)
    if key.kind in ("records", "systems") and isinstance(value, list):
        sub = RECORDS["system" if key.kind == "systems" else key.of]
        return [ordered(sub, v) if isinstance(v, Mapping) else v for v in value]
    return value
