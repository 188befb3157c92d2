"""kustavi-dcat: publish a Finnish public body's information-resource description as DCAT-AP 3.0.1."""

__version__ = "0.1.0"
