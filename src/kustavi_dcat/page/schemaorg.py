"""schema.org markup for search engines (Google Dataset Search reads ``DataCatalog`` and ``Dataset``).

Built from the same records as the DCAT graph and saying no more than it: the same IRIs, names,
descriptions, keywords, places and access rights. A data set that is not public is marked
``isAccessibleForFree: false`` with the EU access-right label as ``conditionsOfAccess``; nothing is ever
given a licence. Texts are language-tagged values (``@language``), as in the DCAT graph. The publisher and
places are described once, on the catalogue, and referred to by ``@id`` from each data set (a national
catalogue has tens of thousands of data sets: the markup would otherwise repeat them in every one).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rdflib import URIRef

from kustavi_dcat import vocab
from kustavi_dcat.iris import Iris
from kustavi_dcat.mapping.concepts import vocabularies
from kustavi_dcat.mapping.dataset import DATA_LANGUAGE
from kustavi_dcat.models import Agent, DataSet, LangList, LangText, Resource, Source
from kustavi_dcat.namespaces import SKOS

Json = dict[str, Any]


def catalog_jsonld(source: Source, datasets: list[Json] | None = None) -> Json:
    """The top catalogue with every information resource and data set, in the catalogue's order (or with
    ``datasets`` instead: a large catalogue's front page names its resources by ``@id`` only)."""
    iris = Iris(source.catalog.base_iri)
    catalog = source.catalog
    node: Json = {
        "@context": {"@vocab": "https://schema.org/"},
        "@type": "DataCatalog",
        "@id": str(iris.catalog(catalog.id)),
        "url": str(iris.catalog(catalog.id)),
        "identifier": str(iris.catalog(catalog.id)),
        "name": texts(catalog.title),
        "description": texts(catalog.description),
        "inLanguage": list(catalog.languages),
        "publisher": organisation(iris, source.publisher),
        "spatialCoverage": places(source),
        "dataset": datasets if datasets is not None else [
            d for r in source.resources for d in resource_datasets(source, iris, r)],
    }
    return node


def resource_datasets(source: Source, iris: Iris, resource: Resource) -> list[Json]:
    """The information resource, then each of its data sets (as the DCAT catalogue lists them)."""
    whole = _dataset(source, iris, resource, str(iris.dataset(resource.id)), resource.title,
                     resource.description, resource.keywords)
    whole.update(access(resource.access_rights))
    whole["hasPart"] = [{"@id": str(iris.dataset(d.id))} for d in resource.datasets]
    parts = [_part(source, iris, resource, d) for d in resource.datasets]
    return [whole, *parts]


def _part(source: Source, iris: Iris, resource: Resource, record: DataSet) -> Json:
    node = _dataset(source, iris, resource, str(iris.dataset(record.id)), record.title, record.description,
                    resource.keywords.merged(record.keywords))
    node.update(access(resource.access_of(record)[0]))
    node["isPartOf"] = {"@id": str(iris.dataset(resource.id))}
    return node


def _dataset(source: Source, iris: Iris, resource: Resource, iri: str, title: LangText, description: LangText,
             keywords: LangList) -> Json:
    """What a data set and its resource share: publisher, place, language (as in ``mapping``)."""
    node: Json = {
        "@type": "Dataset",
        "@id": iri,
        "url": iri,
        "identifier": iri,
        "name": texts(title),
        "description": texts(description),
        "keywords": [{"@language": lang, "@value": w} for lang, words in keywords.values for w in words],
        "publisher": _agent_ref(source, iris, resource.publisher),
        "spatialCoverage": [{"@id": p.iri} for p in source.spatial],
        "inLanguage": DATA_LANGUAGE,
    }
    if resource.custodian is not None:
        node["creator"] = organisation(iris, source.agent(resource.custodian))
    return node


def _agent_ref(source: Source, iris: Iris, agent_id: str | None) -> Json:
    """The catalogue's publisher by reference (described on the catalogue); another agent in full."""
    agent = source.agent(agent_id)
    if agent.id == source.publisher.id:
        return {"@id": str(iris.agent(agent.id))}
    return organisation(iris, agent)


def access(code: str) -> Json:
    """``isAccessibleForFree``/``conditionsOfAccess`` from the EU access-right code: only a public data set
    may be free to access; whether a public one costs something the source does not say, so it is left out."""
    conditions = [{"@language": lang, "@value": access_right_label(code, lang)} for lang in ("en", "fi", "sv")]
    if code == "PUBLIC":
        return {"conditionsOfAccess": conditions}
    return {"isAccessibleForFree": False, "conditionsOfAccess": conditions}


def organisation(iris: Iris, agent: Agent) -> Json:
    node: Json = {"@type": "Organization", "@id": str(iris.agent(agent.id)), "name": texts(agent.name)}
    if agent.homepage is not None:
        node["url"] = agent.homepage
    if agent.email is not None:
        node["email"] = agent.email
    return node


def places(source: Source) -> list[Json]:
    return [{"@type": "Place", "@id": p.iri, "name": texts(p.label)} for p in source.spatial]


def texts(value: LangText) -> list[Json]:
    """One language-tagged value per language, in the records' (sorted) order."""
    return [{"@language": lang, "@value": text} for lang, text in value.values]


@cache
def access_right_label(code: str, lang: str) -> str:
    """The EU access-right concept's label in ``lang`` (from the shipped authority-table extract)."""
    for label in vocabularies().objects(URIRef(vocab.access_right_iri(code)), SKOS.prefLabel):
        if getattr(label, "language", None) == lang:
            return str(label)
    return code
