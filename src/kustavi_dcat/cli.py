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
