"""The page template's own words in Finnish, Swedish and English: headings and link texts only.

Everything else on the page is the steward's text from ``source/``. The Finnish section headings are those
of the common description-page template (Kustavi's page uses them); the Swedish and English ones are this
project's translations (the Swedish ones aim at the terms of the Swedish text of Act 906/2019). A steward
who words them otherwise overrides the templates (``publish --template-dir``).

Sources of the Swedish terms (docs/page.md, "Terms", says which are verified and which are not):
the Swedish pages on the section 28 description by Varsinais-Suomen hyvinvointialue
(varha.fi/sv, "Beskrivning av handlingars offentlighet inom Egentliga Finlands välfärdsområde"), the
National Archives (kansallisarkisto.fi/sv, "Beskrivning över handlingsoffentligheten"), Loviisa
(loviisa.fi/sv) and Kristinestad (kristinestad.fi), and the Swedish government proposal RP 284/2018 rd
(eduskunta.fi): *informationslager*, *ärenderegister*, *informationsmaterial*, *informationssystem*,
*informationsbegäran* / *begäran om information*. *Sökkriterier*, *tekniskt gränssnitt* and
*personuppgiftsansvarig* are this project's literal renderings, not yet checked against the Act's text.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "interface": {
        "fi": "Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
        "sv": "Informationsmaterialens tillgänglighet öppet via ett tekniskt gränssnitt",
        "en": "Availability of the data sets openly through a technical interface",
    },
    "datasets": {"fi": "Tietoaineistot", "sv": "Informationsmaterial", "en": "Data sets"},
    "systems": {"fi": "Tietojärjestelmät", "sv": "Informationssystem", "en": "Information systems"},
    "search": {
        "fi": "Hakutekijät, joilla asiakirjoja on mahdollista hakea",
        "sv": "Sökkriterier som kan användas för att söka handlingar",
        "en": "Search criteria by which documents can be searched",
    },
    "access": {"fi": "Julkisuus", "sv": "Offentlighet", "en": "Access rights"},
    "controller": {"fi": "Rekisterinpitäjä", "sv": "Personuppgiftsansvarig", "en": "Controller"},
    "period": {"fi": "Ajanjakso", "sv": "Tidsperiod", "en": "Period covered"},
    "contact": {
        "fi": "Yhteystiedot ja tietopyynnöt",
        "sv": "Kontaktuppgifter och informationsbegäran",
        "en": "Contact and information requests",
    },
    "email": {"fi": "Sähköposti", "sv": "E-post", "en": "E-mail"},
    "website": {"fi": "Verkkosivut", "sv": "Webbplats", "en": "Website"},
    "machine": {
        "fi": "Koneluettava kuvaus",
        "sv": "Maskinläsbar beskrivning",
        "en": "Machine-readable description",
    },
}
"""Label key -> language -> text. Keep it short: every word here must exist in all three languages."""

LANGUAGE_NAMES: dict[str, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}
"""Each language's name in itself (language switches name a language the way its readers do)."""
