"""The published catalogue over HTTP as a WSGI application, with a SPARQL endpoint.

``create_app(output_dir, Settings(...))`` makes the application; ``kustavi-dcat serve`` runs it in
waitress. For another WSGI server, ``kustavi_dcat.web:app`` is made on first use from the
``KUSTAVI_DCAT_*`` environment variables (``settings.ENV``), e.g.::

    KUSTAVI_DCAT_DIR=/srv/catalogue/output gunicorn -w 2 'kustavi_dcat.web:app'
"""

from __future__ import annotations

from typing import Any

__all__ = ["Settings", "app", "create_app"]

_app: Any = None


def __getattr__(name: str) -> Any:
    """``create_app``, ``Settings`` and ``app`` on demand, so a SPARQL worker process imports little."""
    global _app
    if name == "create_app":
        from kustavi_dcat.web.app import create_app

        return create_app
    if name == "Settings":
        from kustavi_dcat.web.settings import Settings

        return Settings
    if name == "app":
        if _app is None:
            from kustavi_dcat.web.app import create_app
            from kustavi_dcat.web.settings import Settings

            out_dir, settings = Settings.from_env()
            _app = create_app(out_dir, settings)
        return _app
    raise AttributeError(name)
