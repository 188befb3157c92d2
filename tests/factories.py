"""Small, valid records built in code, for mapping unit tests and property tests."""

from __future__ import annotations

from kustavi_dcat.models import (
    AccessBasis,
    Agent,
    Catalog,
    ContactPoint,
    CrossReference,
    DataSet,
    LangList,
    LangText,
    Origin,
    Place,
    Resource,
    SearchCriteria,
    SearchCriterion,
    Section,
    Service,
    Source,
    System,
    TechnicalInterface,
)

BASE = "https://example.org/kuvaus/"
ORIGIN = Origin("test.yaml", 1)


def text(fi: str, **others: str) -> LangText:
    return LangText.of(fi=fi, **others)


def data_set(ident: str = "ds", **kw: object) -> DataSet:
    values: dict[str, object] = {"title": text(f"Aineisto {ident}"), "description": text(f"Kuvaus {ident}"),
                                 "themes": ("SOCI",)}
    values.update(kw)
    return DataSet(ident, origin=ORIGIN, **values)  # type: ignore[arg-type]


def resource(ident: str = "res", datasets: tuple[DataSet, ...] = (), **kw: object) -> Resource:
    values: dict[str, object] = {
        "section": "sec", "title": text(f"Tietovaranto {ident}", en=f"Resource {ident}"),
        "description": text("Tarkoitus."), "themes": ("SOCI",), "subjects": (), "keywords": LangList.of(fi=["x"]),
        "legislation": ("906/2019",), "systems": (System(f"{ident}-sys", text("Järjestelmä"), ORIGIN),),
        "system_refs": (), "search_criteria": SearchCriteria(("hetu",), text("Hakutekijä on henkilötunnus."), ORIGIN),
        "datasets": datasets, "access_basis": "salassa",
    }
    values.update(kw)
    return Resource(ident, origin=ORIGIN, **values)  # type: ignore[arg-type]


def source(resources: tuple[Resource, ...] = ()) -> Source:
    return Source(
        catalog=Catalog("top", BASE, text("Luettelo"), text("Luettelon kuvaus"), ORIGIN, ("fi", "sv")),
        publisher=Agent("org", text("Kunta", sv="Kommun"), ORIGIN, "LocalAuthority", "https://example.org",
                        "kirjaamo@example.org"),
        contact_point=ContactPoint("org", text("Kunta"), "kirjaamo@example.org", ORIGIN),
        agents=(Agent("other", text("Hyvinvointialue"), ORIGIN),),
        spatial=(Place("http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/304", text("Kustavi"), ORIGIN),),
        search_criteria=(SearchCriterion("hetu", text("henkilötunnus"), ORIGIN),),
        sections=(Section("sec", text("Sivu"), text("Johdanto."), ORIGIN, text("Alaotsikko"),
                          TechnicalInterface(False, text("Ei rajapintaa."), ORIGIN),
                          (CrossReference("ref", text("Pöytäkirjat"), text("Katso rekisteri."), ORIGIN),)),),
        service=Service("svc", text("Palvelu"), text("Palvelun kuvaus"), ORIGIN),
        resources=resources,
        access_bases=(AccessBasis("salassa", text("Salassa pidettävä (621/1999 24 § 1 mom. 25 k.)."), ("621/1999",),
                                  ORIGIN),),
    )
