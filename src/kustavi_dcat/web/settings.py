"""What an operator can set: passed to ``create_app``, or read from the environment for a WSGI server."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kustavi_dcat.errors import KustaviError

__all__ = ["ENV", "Settings"]

ENV = {
    "dir": "KUSTAVI_DCAT_DIR",
    "page_size": "KUSTAVI_DCAT_PAGE_SIZE",
    "public_url": "KUSTAVI_DCAT_PUBLIC_URL",
    "store": "KUSTAVI_DCAT_STORE",
    "query_timeout": "KUSTAVI_DCAT_QUERY_TIMEOUT",
    "max_result_bytes": "KUSTAVI_DCAT_MAX_RESULT_BYTES",
    "sparql_workers": "KUSTAVI_DCAT_SPARQL_WORKERS",
}
"""Environment variables ``kustavi_dcat.web.wsgi:app`` reads (see docs/serve.md)."""


@dataclass(frozen=True)
class Settings:
    """Serving settings; every limit here is the server's, and no request can raise it."""

    page_size: int = 100
    public_url: str | None = None
    """Public URL of the base IRI's folder (behind a proxy); links are made from it, else from the base IRI."""
    store_root: Path | None = None
    """Folder holding the store; ``.<output name>.store`` beside the output folder when None."""
    query_timeout: float = 10.0
    max_result_bytes: int = 16 * 1024 * 1024
    max_query_bytes: int = 64 * 1024
    sparql_workers: int = 2

    def __post_init__(self) -> None:
        if self.page_size < 1:
            raise KustaviError(f"--page-size must be at least 1, not {self.page_size}")
        if self.query_timeout <= 0 or self.max_result_bytes < 1 or self.sparql_workers < 1:
            raise KustaviError("the query time limit, result size limit and worker count must be positive")
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
                raise KustaviError(
                    f"--public-url must be an http(s) URL without query or fragment, not {self.public_url!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> tuple[Path, Settings]:
        """The output folder and settings named by ``KUSTAVI_DCAT_*`` variables (defaults where unset)."""
        def get(key: str) -> str | None:
            return environ.get(ENV[key]) or None

        try:
            numbers = {key: convert(value) for key, convert in (("page_size", int), ("query_timeout", float),
                                                                 ("max_result_bytes", int), ("sparql_workers", int))
                       if (value := get(key)) is not None}
        except ValueError as exc:
            raise KustaviError(f"a KUSTAVI_DCAT_* variable is not a number ({exc})") from exc
        store = get("store")
        settings = cls(public_url=get("public_url"), store_root=Path(store) if store else None,
                       **numbers)  # type: ignore[arg-type]
        return Path(get("dir") or "output"), settings
