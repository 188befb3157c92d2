"""The published catalogue over HTTP as a WSGI application, with a SPARQL endpoint.

``create_app(output_dir, Settings(...))`` (in ``app``) makes the application; ``kustavi-dcat serve``
runs it in waitress (``serving``); ``kustavi_dcat.web.wsgi:app`` is the application configured by
``KUSTAVI_DCAT_*`` environment variables, for gunicorn or another WSGI server. The package imports
nothing itself, so a SPARQL worker process (``sparql``) starts light.
"""
