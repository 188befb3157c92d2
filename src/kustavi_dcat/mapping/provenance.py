"""Where the catalogue's texts come from, who controls the records, the period they cover and why they are
(or are not) public: the facts a reader needs to trust a description and to target an information request."""

from __future__ import annotations

import datetime as dt

from rdflib import URIRef

from kustavi_dcat import vocab
from kustavi_dcat.mapping import concepts
from kustavi_dcat.mapping.agent import agent
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import AccessBasis, Controller, LangText, Period, Section
from kustavi_dcat.namespaces import DCAT, DCT, PROV, RDFS, S28


def rights_statement(ctx: Context, basis: AccessBasis) -> URIRef:
    """The legal basis of a data set's access rights, naming the provisions (``dct:RightsStatement``)."""
    node = ctx.iris.rights(basis.id)
    if ctx.once(("rights", basis)):
        ctx.came_from(node, basis.origin)
        ctx.types(node, DCT.RightsStatement)
        _labelled(ctx, node, basis.text)
        for statute in basis.statutes:
            ctx.add(node, DCT.references, concepts.law(ctx, statute))
    return node


def controller(ctx: Context, resource_id: str, record: Controller) -> URIRef:
    """The controller (*rekisterinpitäjä*) now: a ``prov:Attribution`` in the DPV data-controller role,
    with the date it took over where known and a note citing the source of the fact."""
    node = ctx.iris.attribution(f"{resource_id}-controller")
    ctx.came_from(node, record.origin)
    ctx.types(node, PROV.Attribution)
    ctx.add(node, PROV.agent, agent(ctx, ctx.source.agent(record.agent)))
    role = URIRef(vocab.DATA_CONTROLLER_ROLE)
    ctx.types(role, DCAT.Role)
    ctx.add(node, DCAT.hadRole, role)
    ctx.date(node, S28.since, record.since)
    ctx.texts(node, RDFS.comment, record.note)
    return node


def period(ctx: Context, resource_id: str, record: Period) -> URIRef:
    """The period the described records cover (``dct:PeriodOfTime``); an unknown end is left out."""
    node = ctx.iris.period(resource_id)
    ctx.came_from(node, record.origin)
    ctx.types(node, DCT.PeriodOfTime)
    ctx.date(node, DCAT.startDate, record.start)
    ctx.date(node, DCAT.endDate, record.end)
    ctx.texts(node, RDFS.comment, record.note)
    return node


def provenance(ctx: Context, section: Section) -> URIRef | None:
    """Where a section's descriptions come from (``dct:ProvenanceStatement``), shared by its datasets."""
    page = section.source_page
    if page is None:
        return None
    node = ctx.iris.provenance(section.id)
    if ctx.once(("provenance", section.id)):
        ctx.came_from(node, page.origin)
        ctx.types(node, DCT.ProvenanceStatement)
        _labelled(ctx, node, _statement(ctx, page.title, page.url, page.checked))
        ctx.date(node, DCT.date, page.checked)
        if page.url is not None:
            ctx.add(node, DCT.source, concepts.document(ctx, page.url))
    return node


def _labelled(ctx: Context, node: URIRef, text: LangText) -> None:
    """The text in every language as ``dct:description``, and in Finnish as the node's one ``rdfs:label``.

    ckanext-dcat shows a linked node by the first ``rdfs:label`` it meets, whatever its language, so
    labels in three languages would give a Finnish portal a random one (different from file to file).
    """
    ctx.texts(node, DCT.description, text)
    finnish = text.get("fi")
    if finnish is not None:
        ctx.texts(node, RDFS.label, LangText.of(fi=finnish))


def _statement(ctx: Context, title: LangText, url: str | None, checked: dt.date | None) -> LangText:
    """The provenance sentence in fi/sv/en, from the page's Finnish title, address and check date."""
    name = title.get("fi") or ""
    who = ctx.source.publisher.name
    where = f", {url}" if url else ""
    day = f"{checked.day}.{checked.month}.{checked.year}" if checked else None
    fi = (f"Kuvaus perustuu sivuun ”{name}” ({who.get('fi')}{where})."
          + (f" Tiedot on viimeksi tarkistettu sivua vasten {day}." if day else "")
          + " Sivulta otetut suomenkieliset tekstit on siirretty sellaisinaan; ruotsin- ja englanninkieliset"
            " tekstit sekä lähdetiedoissa erikseen merkityt tekstit on kirjoitettu tätä luetteloa varten.")
    sv = (f"Beskrivningen bygger på sidan ”{name}” ({who.get('sv') or who.get('fi')}, på finska{where})."
          + (f" Uppgifterna har senast kontrollerats mot sidan {day}." if day else "")
          + " Texterna på finska är tagna ordagrant från sidan; texterna på svenska och engelska samt de texter"
            " som märkts i källposterna har skrivits för denna katalog.")
    en = (f"The description is based on the page “{name}” ({who.get('en') or who.get('fi')}, in Finnish{where})."
          + (f" It was last checked against the page on {checked.isoformat()}." if checked else "")
          + " The Finnish texts taken from the page are verbatim; the Swedish and English texts and the texts"
            " marked in the source records were written for this catalogue.")
    return LangText.of(fi=fi, sv=sv, en=en)
