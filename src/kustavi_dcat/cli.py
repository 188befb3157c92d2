"""Command-line interface: the only module that knows about click.

Every command turns ``KustaviError`` into its message on stderr and its exit code (README: exit codes).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kustavi_dcat import __version__
from kustavi_dcat.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, KustaviError
from kustavi_dcat.interrupts import Terminated

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SOURCE = Path("source")
DEFAULT_OUT = Path("output")


def user_errors(func: F) -> F:
    """Render a ``KustaviError`` for a person and exit with its code, instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KustaviError as exc:
            say(exc.message, err=True)
            sys.exit(exc.exit_code)
        except Terminated:
            click.echo("terminated (SIGTERM)", err=True)
            sys.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:
            say("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a defect: say so, with its own exit code, never as "invalid catalogue"
            say(f"internal error: {type(exc).__name__}: {shown(str(exc))}\nThis is a defect in kustavi-dcat: please "
                "report it with the command you ran and `kustavi-dcat --version`.", err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def say(text: str, err: bool = False) -> None:
    """Print ``text`` with every personal identity code masked: the last check before a terminal or log.

    Truncation and escaping are decided before (``hetu.shorten``, ``characters.shown``), never after."""
    from kustavi_dcat import hetu

    click.echo(hetu.redact(text), err=err)


def shown(text: str) -> str:
    """``text`` on one line, masked, control characters escaped (a file name, an exception's words)."""
    from kustavi_dcat.errors import shown_path

    return shown_path(text)


class _MaskCodes(logging.Filter):
    """Masks personal identity codes in every log record a library writes (rdflib quotes literals)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from kustavi_dcat import hetu

        record.msg, record.args = hetu.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = hetu.redact(logging.Formatter().formatException(record.exc_info))
        return True


def mask_logs() -> None:
    """Every handler that can write a log line to the terminal masks codes first; so do warnings. Public:
    a test sets logging up in a fresh process exactly as the CLI does."""
    import warnings

    from kustavi_dcat import hetu

    if not getattr(warnings.formatwarning, "masks_codes", False):
        plain = warnings.formatwarning

        def formatwarning(*args: Any, **kwargs: Any) -> str:
            return hetu.redact(plain(*args, **kwargs))

        formatwarning.masks_codes = True  # type: ignore[attr-defined]
        warnings.formatwarning = formatwarning
    for handler in (logging.lastResort, *logging.getLogger().handlers):
        if handler is not None and not any(isinstance(f, _MaskCodes) for f in handler.filters):
            handler.addFilter(_MaskCodes())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kustavi-dcat")
def main() -> None:
    """Publish a description of information resources (Act 906/2019, s. 28) as DCAT-AP 3.0.1."""
    mask_logs()


@main.command()
@click.option("--source", "source_dir", type=click.Path(path_type=Path), default=DEFAULT_SOURCE,
              show_default=True, help="Folder of YAML records.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder the catalogue files are written to.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print each stage's time and counts (on stderr).")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the republish cache [default: one per --out in $XDG_CACHE_HOME/kustavi-dcat].")
@click.option("--no-cache", is_flag=True, help="Read and map every record again; keep no cache.")
@click.option("--template-dir", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="Folder of your own page templates (e.g. base.html extending default/base.html) used "
                   "before the shipped ones.")
@user_errors
def publish(source_dir: Path, out_dir: Path, quiet: bool, verbose: bool, cache_dir: Path | None,
            no_cache: bool, template_dir: Path | None) -> None:
    """Load, map, validate and write catalog.ttl, .jsonld, .rdf, .nt and the index*.html pages atomically."""
    from kustavi_dcat.cache import default_dir
    from kustavi_dcat.interrupts import handled
    from kustavi_dcat.pipeline import CatalogInvalid
    from kustavi_dcat.pipeline import publish as run
    from kustavi_dcat.progress import Feedback
    from kustavi_dcat.validation.report import render_text
    from kustavi_dcat.validation.validate import Report

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    try:
        with handled(), Feedback.start(quiet, verbose) as feedback:
            cache = None if no_cache else (cache_dir if cache_dir is not None else default_dir(out_dir))
            report = run(source_dir, out_dir, feedback.stage, cache_dir=cache, template_dir=template_dir)
            feedback.report(report)
        for note in report.notes:
            say(f"warning: {note}", err=True)
    except CatalogInvalid as exc:
        # Violations only: they are what blocks publishing; `validate` lists the warnings too.
        say(render_text(Report(exc.report.violations)), err=True)
        if exc.report.warnings:
            say(f"({len(exc.report.warnings)} warnings not shown: `kustavi-dcat validate` lists them.)",
                       err=True)
        raise
    if quiet:
        return
    for path in report.written:
        say(f"wrote {shown(str(path))}")
    c = report.counts
    say(f"{c.catalogs} catalogues, {c.datasets} datasets, {c.services} data services, "
               f"{c.triples} triples")


# -- further commands are added below this line, one function each --


@main.command("import")
@click.argument("text", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="New (or empty) folder for the source records.")
@click.option("--base-iri", help="Base of every IRI, ending with /, e.g. https://www.kunta.fi/tietovarannot/.")
@click.option("--publisher-name", help="The organisation's name in Finnish, e.g. 'Kustavin kunta'.")
@click.option("--email", help="The organisation's official e-mail address (contact point).")
@click.option("--homepage", help="The organisation's website.")
@click.option("--municipality-code", help="Three-digit municipality code, e.g. 304 (dct:spatial).")
@click.option("--municipality-name", help="The municipality's name in Finnish, e.g. Kustavi.")
@click.option("--access-basis", help="In Finnish, the provisions that make the records secret, e.g. "
              "'Salassa pidettävä (621/1999 24 § 1 mom. 25 k.; 812/2000 14 §)'.")
@user_errors
def import_(text: Path, out_dir: Path, base_iri: str | None, publisher_name: str | None, email: str | None,
            homepage: str | None, municipality_code: str | None, municipality_name: str | None,
            access_basis: str | None) -> None:
    """Turn a description page (plain text in the common template) into source records in OUT."""
    from kustavi_dcat.source.importer import Options, import_file

    options = Options(base_iri, publisher_name, email, homepage, municipality_code, municipality_name, access_basis)
    report = import_file(text, out_dir, options)
    for warning in report.warnings:
        say(f"warning: {warning}", err=True)
    for path in report.written:
        say(f"wrote {shown(str(path))}")
    c = report.counts
    say(f"{c.resources} information resources, {c.datasets} data sets, {c.systems} systems, "
               f"{c.search_criteria} search criteria, {c.cross_references} cross-references")
    if report.placeholders:
        say(f"to fill in before publishing (placeholders in {out_dir / 'catalog.yaml'}):")
        for item in report.placeholders:
            say(f"  - {item}")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@user_errors
def init(directory: Path) -> None:
    """Start a source folder for another organisation: a catalogue and one example resource."""
    from kustavi_dcat.source.scaffold import scaffold

    for path in scaffold(directory):
        say(f"wrote {shown(str(path))}")
    say("Fill in every value that starts with TODO or uses example.invalid; "
               f"`kustavi-dcat publish --source {directory}` lists the ones left.")


@main.command()
@click.option("--dir", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder of published files (catalog.ttl, .jsonld, .rdf, .nt) to serve.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; loopback by default, so nothing is exposed unless asked.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--page-size", type=click.IntRange(min=1), default=100, show_default=True,
              help="Datasets per Hydra page of /catalog.")
@click.option("--public-url", default=None,
              help="Public URL of the base IRI's folder when behind a proxy; absolute links are made from it.")
@click.option("--store", "store_root", type=click.Path(path_type=Path), default=None,
              help="Folder for the catalogue's store [default: .<dir name>.store beside --dir].")
@click.option("--query-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--sparql-workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Processes answering SPARQL queries at once.")
@click.option("--quiet", "-q", is_flag=True, help="Write no access log lines to stderr.")
@click.option("--prepare", is_flag=True, help="Build (or check) the store, then exit without serving.")
@user_errors
def serve(out_dir: Path, host: str, port: int, page_size: int, public_url: str | None, store_root: Path | None,
          query_timeout: float, sparql_workers: int, quiet: bool, prepare: bool) -> None:
    """Serve the published catalogue and a SPARQL endpoint until Ctrl-C (see README: Serving the catalogue)."""
    from kustavi_dcat.web import serving
    from kustavi_dcat.web.app import create_app, prepare_store
    from kustavi_dcat.web.settings import Settings

    settings = Settings(page_size=page_size, public_url=public_url, store_root=store_root,
                        query_timeout=query_timeout, sparql_workers=sparql_workers)

    def warn(message: str) -> None:
        say(f"warning: {message}", err=True)

    if prepare:
        opened = prepare_store(out_dir, settings, warn)
        say(f"Store of {shown(str(out_dir))} ready in {shown(str(opened.path))} ({opened.triples} triples).")
        return
    app = create_app(out_dir, settings, warn=warn)
    try:
        server = serving.build_server(app if quiet else serving.access_log(app), host, port)
        paging = app.catalogue.paging
        say(f"Serving {shown(str(out_dir))} at {serving.url_of(server)} ({len(paging.items)} datasets, "
            f"{paging.pages} page(s) of {page_size}; SPARQL at /sparql); Ctrl-C stops.")
        serving.serve_until_stopped(server)
    finally:
        app.close()
    say("Stopped.")


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json (stable, sorted) for scripts.")
@user_errors
def diff_(old: Path, new: Path, fmt: str) -> None:
    """Compare two published catalogues (.ttl, .jsonld, .rdf or .nt, any mix).

    Lists what was added, removed and changed, with the changed properties' old and new values.
    Exit status: 0 when equal, 1 when different, 3 when a file cannot be read.
    """
    import json

    from kustavi_dcat.diff import diff_files
    from kustavi_dcat.validation.report import masked

    result = diff_files(old, new)
    if fmt == "json":
        counts = {"added": len(result.added), "removed": len(result.removed), "changed": len(result.changed)}
        document = masked({"old": str(old), "new": str(new), "counts": counts, **result.to_json()})
        say(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        _echo_diff(result, old, new)
    sys.exit(0 if result.equal else 1)


def _echo_diff(result: Any, old: Path, new: Path) -> None:
    """The diff for a person: each subject with its kind, Finnish title and IRI; changed values as -/+."""
    say(f"old: {shown(str(old))}")
    say(f"new: {shown(str(new))}")
    if result.equal:
        say("No differences: both files hold the same catalogue.")
        return
    sections = (("Added", "+", "green", result.added), ("Removed", "-", "red", result.removed),
                ("Changed", "~", "yellow", result.changed))
    for heading, mark, colour, entities in sections:
        if not entities:
            continue
        say(f"\n{heading} ({len(entities)})")
        for entity in entities:
            title = f"  {entity.title}" if entity.title else ""
            say(click.style(f"  {mark} {entity.kind}{title}", fg=colour) + f"  <{entity.iri}>")
            for change in entity.changes:
                say(f"      {_prefixed(change.property)}")
                lines = [(v.language, 0, v, "-", "red") for v in change.removed]
                lines += [(v.language, 1, v, "+", "green") for v in change.added]
                for _, _, value, sign, tint in sorted(lines):  # a text's old and new value side by side
                    say(click.style(f"        {sign} {_value_text(value)}", fg=tint))
    say(f"\n{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed.")


def _prefixed(iri: str) -> str:
    from kustavi_dcat.rdf.syntax import shorten

    short = shorten(iri)
    return short if short != iri else f"<{iri}>"


def _value_text(value: Any) -> str:
    """A value as in Turtle: "text"@fi, "2024-05-31"^^xsd:date, dct:title or <iri>."""
    import json

    if value.kind == "literal":
        text = json.dumps(value.shown, ensure_ascii=False)
        if value.language:
            return f"{text}@{value.language}"
        if value.datatype and not value.datatype.endswith("#string"):
            return f"{text}^^{_prefixed(value.datatype)}"
        return text
    if value.kind == "blank":
        return f"_:{value.value}"
    return _prefixed(value.value)


@main.command("validate")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--source", "source_dir", type=click.Path(path_type=Path), default=None,
              help=f"Folder of YAML records, validated as publish would map them [default: {DEFAULT_SOURCE}].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: grouped by resource, with a hint per rule; json: for scripts.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings (recommended properties) too.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the shapes compiled to Python checks (same results); pyshacl: the reference engine.")
@user_errors
def validate(file: Path | None, source_dir: Path | None, fmt: str, strict: bool, engine: str) -> None:
    """Check against DCAT-AP 3.0.1 and the section 28 profile what source/ would publish, or any RDF FILE.

    FILE may be .ttl, .jsonld, .rdf or .nt. Exit 0: conforms; 1: violations (or warnings with --strict);
    2: usage; 3: unreadable source or file.
    """
    import logging

    from kustavi_dcat.errors import EXIT_INVALID
    from kustavi_dcat.validation.fastvalidate import validate_fast
    from kustavi_dcat.validation.report import render_json, render_text
    from kustavi_dcat.validation.validate import validate_graph

    if file is not None and source_dir is not None:
        raise click.UsageError("give either FILE or --source, not both")
    if file is not None:
        from kustavi_dcat.collector import without_cycle_collection
        from kustavi_dcat.errors import InvalidCatalogError
        from kustavi_dcat.namespaces import DCAT, RDF
        from kustavi_dcat.rdf.reading import read_catalogue, read_triples
        from kustavi_dcat.rdf.triples import Triples

        logging.getLogger("rdflib").setLevel(logging.ERROR)  # an ill-typed date is a result below, not a traceback
        with without_cycle_collection():
            # The compiled checks read the light Triples; pyshacl needs an rdflib graph.
            data = read_triples(file) if engine == "fast" else read_catalogue(file)
            if next(iter(data.subjects(RDF.type, DCAT.Catalog)), None) is None:
                # Nothing to check is no conformance: an empty or non-DCAT file must not pass a gate.
                raise InvalidCatalogError(
                    f"{shown(str(file))}: holds no dcat:Catalog, so it is not a DCAT-AP catalogue")
            report = validate_fast(data) if isinstance(data, Triples) else validate_graph(data)
    else:
        from kustavi_dcat.pipeline import map_source

        mapped = map_source(source_dir if source_dir is not None else DEFAULT_SOURCE)
        # As publish does: the compiled checks index the mapped triples; pyshacl needs an rdflib graph.
        report = (validate_fast(mapped.triples, mapped.origins) if engine == "fast"
                  else validate_graph(mapped.graph, mapped.origins))
    say(render_json(report, strict) if fmt == "json" else render_text(report, strict))
    if report.fails(strict):
        sys.exit(EXIT_INVALID)
