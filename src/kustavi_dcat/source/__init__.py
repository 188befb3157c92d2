"""The source records: reading, checking and writing the steward's YAML folder.

``loader`` reads a source folder into a checked ``Source`` (with ``yamlnodes``, which keeps every value's
file, line and column, and ``schema``, the one statement of the format's keys); ``scaffold`` (``init``) and
``importer`` (``import``) write such a folder. Kept together because they share the format and its messages;
nothing here knows RDF.
"""
