"""Command-line interface: the only module that knows about click.

Every command turns ``KustaviError`` into its message on stderr and its exit code (README: exit codes).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kustavi_dcat import __version__
from kustavi_dcat.errors import KustaviError

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
            click.echo(exc.message, err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kustavi-dcat")
def main() -> None:
    """Publish a description of information resources (Act 906/2019, s. 28) as DCAT-AP 3.0.1."""


@main.command()
@click.option("--source", "source_dir", type=click.Path(path_type=Path), default=DEFAULT_SOURCE,
              show_default=True, help="Folder of YAML records.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder the catalogue files are written to.")
@user_errors
def publish(source_dir: Path, out_dir: Path) -> None:
    """Load, map, validate and write catalog.ttl, .jsonld, .rdf and .nt atomically."""
    from kustavi_dcat.pipeline import publish as run

    report = run(source_dir, out_dir)
    for path in report.written:
        click.echo(f"wrote {path}")
    c = report.counts
    click.echo(f"{c.catalogs} catalogues, {c.datasets} datasets, {c.services} data services, "
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
@user_errors
def import_(text: Path, out_dir: Path, base_iri: str | None, publisher_name: str | None, email: str | None,
            homepage: str | None, municipality_code: str | None, municipality_name: str | None) -> None:
    """Turn a description page (plain text in the common template) into source records in OUT."""
    from kustavi_dcat.importer import Options, import_file

    options = Options(base_iri, publisher_name, email, homepage, municipality_code, municipality_name)
    report = import_file(text, out_dir, options)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in report.written:
        click.echo(f"wrote {path}")
    c = report.counts
    click.echo(f"{c.resources} information resources, {c.datasets} data sets, {c.systems} systems, "
               f"{c.search_criteria} search criteria, {c.cross_references} cross-references")
    if report.placeholders:
        click.echo(f"to fill in before publishing (placeholders in {out_dir / 'catalog.yaml'}):")
        for item in report.placeholders:
            click.echo(f"  - {item}")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@user_errors
def init(directory: Path) -> None:
    """Start a source folder for another organisation: a catalogue and one example resource."""
    from kustavi_dcat.scaffold import scaffold

    for path in scaffold(directory):
        click.echo(f"wrote {path}")
    click.echo("Fill in every value that starts with TODO or uses example.invalid; "
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
              help="Public URL of the base IRI's folder when behind a proxy, for Hydra page links.")
@click.option("--quiet", "-q", is_flag=True, help="Write no access log lines to stderr.")
@user_errors
def serve(out_dir: Path, host: str, port: int, page_size: int, public_url: str | None, quiet: bool) -> None:
    """Serve the published catalogue over HTTP until Ctrl-C (see README: Serving the catalogue)."""
    from kustavi_dcat.server import build_server, serve_until_stopped

    server = build_server(out_dir, host, port, page_size, quiet, public_url)
    site = server.site
    click.echo(f"Serving {out_dir} at {server.url} ({len(site.resources)} resources, "
               f"{site.paging.pages} page(s) of {page_size} datasets); Ctrl-C stops.")
    serve_until_stopped(server)
    click.echo("Stopped.")
