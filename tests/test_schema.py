"""The source format is stated once (``schema.RECORDS``): it must say every field of the records, and
nothing else, and every kind of key it names must have a reader."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from kustavi_dcat import models
from kustavi_dcat.source import loader, scaffold, schema
from kustavi_dcat.source.importer import Options, records_from_text
from kustavi_dcat.source.schema import RECORDS, Record


@pytest.mark.parametrize("record", RECORDS.values(), ids=list(RECORDS))
def test_every_dataclass_field_is_in_the_schema_and_nothing_else(record: Record) -> None:
    stated = record.field_names()
    assert len(stated) == len(set(stated)), f"{record.name}: a key is stated twice"
    assert sorted(stated) == sorted(schema.dataclass_fields(record))


@pytest.mark.parametrize("record", RECORDS.values(), ids=list(RECORDS))
def test_defaults_are_the_dataclass_defaults(record: Record) -> None:
    """A key left out gives the same value as a record made without it."""
    own = {f.name: f for f in dataclasses.fields(record.type or models.Source)}
    for key in record.keys:
        f = own[key.name]
        if f.default is not dataclasses.MISSING:
            assert key.default == f.default, key.name
        elif f.default_factory is not dataclasses.MISSING:
            assert key.default == f.default_factory(), key.name


def test_every_kind_has_a_reader_and_every_reference_resolves() -> None:
    assert set(loader.READERS) == set(schema.KINDS)
    for record in RECORDS.values():
        for key in record.keys:
            assert key.kind in schema.KINDS, (record.name, key.name)
            if key.kind in ("record", "records"):
                assert key.of in RECORDS, (record.name, key.name)
            if key.kind in ("id", "ref", "refs"):
                assert key.of in loader.ID_SPACES or key.of in loader.WHERE_DEFINED, (record.name, key.name)
            if key.kind in ("code", "codes"):
                assert key.codes and key.of, (record.name, key.name)
            assert key.doc, (record.name, key.name)


def test_a_resource_may_name_each_of_its_fields_for_review() -> None:
    assert "keywords" in schema.REVIEWABLE and "datasets.title" in schema.REVIEWABLE
    assert "id" not in schema.REVIEWABLE and "datasets.id" not in schema.REVIEWABLE


def test_ordered_puts_keys_in_the_schema_order_and_refuses_unknown_ones() -> None:
    data = {"title": {"fi": "x"}, "id": "a", "datasets": [{"themes": ["SOCI"], "id": "b"}], "section": "s"}
    out = schema.ordered(schema.RESOURCE, data)
    assert list(out) == ["id", "section", "title", "datasets"]
    assert list(out["datasets"][0]) == ["id", "themes"]
    with pytest.raises(ValueError, match="titel"):
        schema.ordered(schema.RESOURCE, {"titel": {"fi": "x"}})


def _keys_in_order(folder: Path) -> None:
    """Every file's keys, and its records' keys, are in the schema's order."""
    for path in folder.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        record = schema.CATALOG_FILE if path.name == "catalog.yaml" else schema.RESOURCE
        assert yaml.safe_dump(schema.ordered(record, data), sort_keys=False) == \
            yaml.safe_dump(data, sort_keys=False), path.name


def test_the_published_source_is_written_in_the_schema_order() -> None:
    _keys_in_order(Path(__file__).resolve().parents[1] / "source")


def test_init_writes_its_files_from_the_schema(tmp_path: Path) -> None:
    """Keys in the schema's order, each note above its key, placeholders as the schema states them."""
    scaffold.scaffold(tmp_path / "kunta")
    _keys_in_order(tmp_path / "kunta")
    text = " ".join((tmp_path / "kunta" / "catalog.yaml").read_text("utf-8").split())
    resource = " ".join((tmp_path / "kunta" / "resources" / "esimerkki.yaml").read_text("utf-8").split())
    assert "# Statutes as number/year" in resource and "# homepage: the address of the catalogue's" in text
    for name, key in (("catalog", "base_iri"), ("agent", "email"), ("place", "iri")):
        assert schema.placeholder(name, key) in text


def test_import_writes_its_records_in_the_schema_order(tmp_path: Path) -> None:
    page = (Path(__file__).parent / "data" / "import" / "esimerkkila_sivistys.txt").read_text("utf-8")
    records = records_from_text(page, "sivu.txt", Options())
    for rel, text in records.files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, "utf-8")
    _keys_in_order(tmp_path)
    assert schema.placeholder("catalog", "base_iri") in records.files["catalog.yaml"]


def test_example_refuses_what_the_schema_does_not_know() -> None:
    with pytest.raises(ValueError, match="titel"):
        schema.example("data set", id="a", titel="x")
    with pytest.raises(ValueError, match="id"):
        schema.example("data set")
