"""The project's promise of no network: the socket guard is on, and JSON-LD never fetches a document."""

from __future__ import annotations

import socket

import pytest
from pyld import jsonld

from kustavi_dcat.rdf.serialise import refuse_urls


def test_socket_guard_allows_only_loopback(pytestconfig: pytest.Config) -> None:
    allowed = {h.strip() for h in str(pytestconfig.getoption("--allow-hosts")).split(",")}
    assert allowed <= {"127.0.0.1", "::1", "localhost"}
    assert socket.socket.connect.__name__ == "guarded_connect"


def test_jsonld_document_loader_refuses_urls() -> None:
    doc = {"@context": "https://www.w3.org/ns/dcat.jsonld", "@id": "urn:x", "urn:p": "v"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(doc, {"documentLoader": refuse_urls})
