"""RDF as text: the light triple set the mapping fills, and writing and reading the four formats.

``triples`` is the map stage's set of triples; ``syntax`` states once how a term is written; ``render``
writes each subject's block and ``serialise`` the whole files (Turtle, JSON-LD, RDF/XML, N-Triples);
``reading`` parses a published file back. Kept together because writing and reading must agree on syntax.
"""
