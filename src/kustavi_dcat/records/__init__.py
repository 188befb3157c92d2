"""The record-by-record publish engine: each resource file becomes a *unit* on its own, the catalogue is
assembled from the units.

A national catalogue has tens of thousands of resource files. Everything that depends on one file only is
done per file, in worker processes on every core, and kept in the record cache (``cache.py``); what needs
the whole catalogue runs in the main process on small data. ``pipeline.publish`` runs the stages in order;
the modules, in the order it uses them:

* ``source_folder``: the source folder as this path reads it (``catalog.yaml``'s records, every file's bytes and
  cache key);
* ``pool``: every file's unit, from the cache or made on every core (``worker``);
* ``worker``: one file read, mapped, validated and rendered (``make_unit``), with the job state every
  worker shares (``JobState``, installed by ``job``);
* ``unit``: what one file became (``Unit``) and its encoding in the cache;
* ``catalogue``: the cross-record checks, the catalogue-level nodes, their validation and the records'
  deferred results confirmed (``Level``, kept in the cache), and the validation report;
* ``files``: the four catalogue files, each streamed from the records' blocks and the catalogue level's;
* ``handover``: why this path hands a source over to the whole-graph path (``Reason``, ``HandOver``).

The results and bytes are those of the whole-graph path (``pipeline.publish_whole``), which runs instead
wherever this one cannot be sure of that (``handover.Reason`` names each case). ``tests/test_units.py``
checks the two paths agree.
"""
