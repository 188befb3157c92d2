"""The controlled values a steward may write, and the IRIs they stand for.

Codes are facts from their owners' tables: the EU Publications Office authority tables
(http://publications.europa.eu/resource/authority/...), the ADMS publisher-type scheme
(http://purl.org/adms/publishertype/1.0) and Finlex's ELI IRIs for Finnish statutes. Labels for the EU
concepts ship in ``shapes/vocabularies.ttl``.
"""

from __future__ import annotations

import datetime as dt
import re

EU = "http://publications.europa.eu/resource/authority/"

THEMES: tuple[str, ...] = (
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "OP_DATPRO", "REGI", "SOCI",
    "TECH", "TRAN",
)
"""EU data-theme codes (table version 20200923-0)."""

ACCESS_RIGHTS: tuple[str, ...] = ("PUBLIC", "RESTRICTED", "NON_PUBLIC")
"""The three EU access-right codes DCAT-AP recommends."""

LANGUAGE_CODES: dict[str, str] = {"fi": "FIN", "sv": "SWE", "en": "ENG"}
"""Language tag to EU language-table code."""

PUBLISHER_TYPES: tuple[str, ...] = (
    "Academia-ScientificOrganisation", "Company", "IndustryConsortium", "LocalAuthority",
    "NationalAuthority", "NonGovernmentalOrganisation", "NonProfitOrganisation", "PrivateIndividual(s)",
    "RegionalAuthority", "StandardisationBody", "SupraNationalAuthority",
)
"""ADMS publisher types (http://purl.org/adms/publishertype/)."""

SCHEMES: dict[str, str] = {
    "theme": EU + "data-theme",
    "access_right": EU + "access-right",
    "language": EU + "language",
    "publisher_type": "http://purl.org/adms/publishertype/1.0",
}

CUSTODIAN_ROLE = "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/custodian"
"""The INSPIRE responsible-party role DCAT-AP recommends for ``dcat:hadRole`` of a custodian."""

DCAT_AP_301 = "https://semiceu.github.io/DCAT-AP/releases/3.0.1/"
"""The DCAT-AP 3.0.1 specification, as ``dct:conformsTo`` of the data service."""

DATA_CONTROLLER_ROLE = "https://w3id.org/dpv#DataController"
"""The W3C Data Privacy Vocabulary's data controller (*rekisterinpitäjä*), as ``dcat:hadRole`` of the agent
that controls a resource's records now."""

IN_FORCE_FROM: dict[str, dt.date] = {
    # Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä: in force from 1.1.2024 (Finlex, the
    # note on 784/2021: "upphävts genom L 14.4.2023/703, som gäller fr.o.m. 1.1.2024").
    "703/2023": dt.date(2024, 1, 1),
}
"""Statutes whose entry into force a published period must not precede (checked by the loader)."""

_LAW = re.compile(r"^(\d{1,4})/(\d{4})$")
_ELI = re.compile(r"^http://data\.finlex\.fi/eli/sd/(\d{4})/(\d{1,4})/ajantasa$")


def theme_iri(code: str) -> str:
    return f"{EU}data-theme/{code}"


def access_right_iri(code: str) -> str:
    return f"{EU}access-right/{code}"


def language_iri(tag: str) -> str:
    return f"{EU}language/{LANGUAGE_CODES[tag]}"


def publisher_type_iri(code: str) -> str:
    return f"http://purl.org/adms/publishertype/{code}"


def law_iri(statute: str) -> str | None:
    """The Finlex ELI IRI (consolidated version) of a statute written ``number/year`` or as an ELI IRI."""
    if (m := _LAW.match(statute.strip())) is not None:
        return f"http://data.finlex.fi/eli/sd/{m.group(2)}/{m.group(1)}/ajantasa"
    if _ELI.match(statute.strip()):
        return statute.strip()
    return None
