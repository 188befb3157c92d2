"""``kustavi_dcat.web.wsgi:app``: the application for a WSGI server, configured by the environment.

    KUSTAVI_DCAT_DIR=/srv/catalogue/output gunicorn --workers 2 'kustavi_dcat.web.wsgi:app'

The variables are listed in ``settings.ENV`` and docs/serve.md; the application (and its store and
SPARQL workers) is made when a server imports this module.
"""

from __future__ import annotations

from kustavi_dcat.web.app import create_app
from kustavi_dcat.web.settings import Settings

__all__ = ["app"]

app = create_app(*Settings.from_env())
