"""The SHACL shapes and vocabulary extract, installed as the package ``kustavi_dcat.shapes``."""
