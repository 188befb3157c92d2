"""Allow ``python -m kustavi_dcat``."""

from kustavi_dcat.cli import main

main()
