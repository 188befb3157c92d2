"""The validate stage: checking a catalogue against the project's SHACL shapes and reporting the results.

``validate`` runs pyshacl and holds the result types (``Report``, ``Result``); ``fastvalidate`` runs the same
shapes compiled to Python checks, per record; ``report`` renders a report for a person or a script. Kept
together because both engines must give the same results, in the same types, to the same renderer.
"""
