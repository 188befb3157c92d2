"""Load stage: a source folder of YAML records becomes a checked ``Source``, or a ``SourceError``
listing every problem found in one run (file, line, column, field, and how to fix it).

Layout: ``catalog.yaml`` (the catalogue, its publisher, contact point, sections and search criteria)
and ``resources/*.yaml`` (one information resource per file).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from kustavi_dcat import vocab
from kustavi_dcat.errors import Problem, SourceError
from kustavi_dcat.models import (
    LANGUAGES,
    Agent,
    Catalog,
    ContactPoint,
    CrossReference,
    DataSet,
    LangList,
    Origin,
    Place,
    Resource,
    SearchCriteria,
    SearchCriterion,
    Section,
    Service,
    Source,
    System,
    TechnicalInterface,
)
from kustavi_dcat.yamlnodes import Node, Reader, compose

CATALOG_FILE = "catalog.yaml"
RESOURCES_DIR = "resources"
MAX_FILE_BYTES = 2 * 1024 * 1024
"""A description page is a few kilobytes; anything this large is a mistake, refused before parsing."""


def load(source_dir: Path) -> Source:
    """Read and check every record under ``source_dir``."""
    problems: list[Problem] = []
    root = Path(source_dir)
    if not root.exists():
        raise SourceError([Problem(str(root), 1, 1, "", "the source folder does not exist",
                                   "give an existing folder with --source, or run `kustavi-dcat init DIR`")])
    if not root.is_dir():
        raise SourceError([Problem(str(root), 1, 1, "", "the source is not a folder",
                                   "give the folder that holds catalog.yaml")])
    catalog_path = root / CATALOG_FILE
    catalog_node = _read(catalog_path, root, problems, required=True)
    resource_nodes = [
        (path, node) for path in _resource_files(root, problems)
        if (node := _read(path, root, problems, required=True)) is not None
    ]
    if catalog_node is None:
        raise SourceError(problems)
    reader = Reader(_rel(catalog_path, root))
    head = _catalog_file(reader, catalog_node)
    resources = []
    for path, node in resource_nodes:
        r = Reader(_rel(path, root))
        resource = _resource(r, node)
        problems.extend(r.problems)
        if resource is not None:
            resources.append(resource)
    problems.extend(reader.problems)
    if head is None:
        raise SourceError(problems)
    source = Source(resources=tuple(resources), **head)
    problems.extend(cross_check(source))
    if problems:
        raise SourceError(problems)
    return source


# -- files ---------------------------------------------------------------------------------------


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _resource_files(root: Path, problems: list[Problem]) -> list[Path]:
    folder = root / RESOURCES_DIR
    if not folder.exists():
        return []
    if not folder.is_dir():
        problems.append(Problem(_rel(folder, root), 1, 1, "", "`resources` must be a folder",
                                "move the file away and create a folder `resources/` for resource records"))
        return []
    files = []
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml"):
            files.append(path)
        elif not path.name.startswith("."):
            problems.append(Problem(_rel(path, root), 1, 1, "", "not a YAML record (name must end in .yaml)",
                                    "rename it to end in .yaml, or move it out of the source folder"))
    return files


def _read(path: Path, root: Path, problems: list[Problem], required: bool) -> Node | None:
    """The file's YAML node tree, or ``None`` with a problem recorded."""
    name = _rel(path, root)

    def fail(message: str, hint: str, line: int = 1, column: int = 1) -> None:
        problems.append(Problem(name, line, column, "", message, hint))

    try:
        if path.is_symlink():
            os.stat(path)  # raises on a loop or a dangling link
        if path.is_dir():
            fail("is a folder, expected a YAML file", f"remove the folder or put the record in {path.name}")
            return None
        if not path.exists():
            if required:
                fail("file is missing", "create it; `kustavi-dcat init DIR` writes a template")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            fail(f"file is {size} bytes, more than the {MAX_FILE_BYTES} allowed",
                 "a record is a few kilobytes; split it or check that the right file is here")
            return None
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})", "check that the path exists and is not a link loop")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        fail(f"byte {exc.start} is not UTF-8", "save the file as UTF-8 (most editors: 'Save with encoding')",
             line)
        return None
    text = text.replace("\r\n", "\n")
    try:
        node = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        lines = text.split("\n")
        bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
        hint = ("indent with spaces, never tabs" if "\t" in bad_line or "\t" in str(exc.problem)
                else "check quotes, colons and indentation here")
        fail(f"YAML syntax error: {exc.problem or exc}", hint, line, col)
        return None
    except yaml.YAMLError as exc:
        fail(f"YAML syntax error: {exc}", "check quotes, colons and indentation")
        return None
    if node is None:
        fail("file is empty", "fill it in; `kustavi-dcat init DIR` writes a template")
        return None
    return node


# -- catalog.yaml --------------------------------------------------------------------------------


def _catalog_file(r: Reader, node: Node) -> dict[str, object] | None:
    top = r.mapping(node, "", ("catalog", "publisher", "contact_point", "service"),
                    ("agents", "spatial", "search_criteria", "sections"))
    if top is None:
        return None
    catalog = _catalog(r, top["catalog"]) if "catalog" in top else None
    publisher = _agent(r, top["publisher"], "publisher") if "publisher" in top else None
    contact = _contact(r, top["contact_point"], "contact_point") if "contact_point" in top else None
    service = _service(r, top["service"], "service") if "service" in top else None
    agents = r.items(top["agents"], "agents", lambda n, p: _agent(r, n, p)) if "agents" in top else ()
    spatial = r.items(top["spatial"], "spatial", lambda n, p: _place(r, n, p)) if "spatial" in top else ()
    criteria = (r.items(top["search_criteria"], "search_criteria", lambda n, p: _criterion(r, n, p))
                if "search_criteria" in top else ())
    sections = r.items(top["sections"], "sections", lambda n, p: _section(r, n, p)) if "sections" in top else ()
    if catalog is None or publisher is None or contact is None or service is None:
        return None
    return {"catalog": catalog, "publisher": publisher, "contact_point": contact, "service": service,
            "agents": agents, "spatial": spatial, "search_criteria": criteria, "sections": sections}


def _catalog(r: Reader, node: Node) -> Catalog | None:
    m = r.mapping(node, "catalog", ("id", "base_iri", "title", "description"),
                  ("languages", "homepage", "issued", "modified"))
    if m is None:
        return None
    base = r.iri(m["base_iri"], "catalog.base_iri") if "base_iri" in m else None
    if base is not None and not base.endswith(("/", "#")):
        r.problem(m["base_iri"], "catalog.base_iri", f"`{base}` must end with `/`",
                  "IRIs are made by appending `dataset/<id>` to it; add a trailing slash")
        base = None
    languages = (r.items(m["languages"], "catalog.languages",
                         lambda n, p: r.choice(n, p, LANGUAGES, "language (use fi, sv or en)"))
                 if "languages" in m else ("fi",))
    values = {
        "id": r.identifier(m["id"], "catalog.id") if "id" in m else None,
        "base_iri": base,
        "title": r.langtext(m["title"], "catalog.title") if "title" in m else None,
        "description": r.langtext(m["description"], "catalog.description") if "description" in m else None,
    }
    if any(v is None for v in values.values()):
        return None
    return Catalog(
        origin=r.origin(node), languages=languages,
        homepage=r.iri(m["homepage"], "catalog.homepage") if "homepage" in m else None,
        issued=r.date(m["issued"], "catalog.issued") if "issued" in m else None,
        modified=r.date(m["modified"], "catalog.modified") if "modified" in m else None,
        **values,  # type: ignore[arg-type]
    )


def _agent(r: Reader, node: Node, path: str) -> Agent | None:
    m = r.mapping(node, path, ("id", "name"), ("type", "homepage", "email"))
    if m is None:
        return None
    agent_id = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    name = r.langtext(m["name"], f"{path}.name") if "name" in m else None
    kind = (r.choice(m["type"], f"{path}.type", vocab.PUBLISHER_TYPES, "publisher type (ADMS)")
            if "type" in m else None)
    homepage = r.iri(m["homepage"], f"{path}.homepage") if "homepage" in m else None
    email = r.email(m["email"], f"{path}.email") if "email" in m else None
    if agent_id is None or name is None:
        return None
    return Agent(agent_id, name, r.origin(node), kind, homepage, email)


def _contact(r: Reader, node: Node, path: str) -> ContactPoint | None:
    m = r.mapping(node, path, ("id", "name", "email"), ("homepage",))
    if m is None:
        return None
    cid = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    name = r.langtext(m["name"], f"{path}.name") if "name" in m else None
    email = r.email(m["email"], f"{path}.email") if "email" in m else None
    homepage = r.iri(m["homepage"], f"{path}.homepage") if "homepage" in m else None
    if cid is None or name is None or email is None:
        return None
    return ContactPoint(cid, name, email, r.origin(node), homepage)


def _service(r: Reader, node: Node, path: str) -> Service | None:
    m = r.mapping(node, path, ("id", "title", "description"), ("endpoint_url", "keywords", "themes"))
    if m is None:
        return None
    sid = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    title = r.langtext(m["title"], f"{path}.title") if "title" in m else None
    desc = r.langtext(m["description"], f"{path}.description") if "description" in m else None
    endpoint = r.iri(m["endpoint_url"], f"{path}.endpoint_url") if "endpoint_url" in m else None
    keywords = r.langlist(m["keywords"], f"{path}.keywords") if "keywords" in m else LangList(())
    themes = _codes(r, m, "themes", path, vocab.THEMES, "EU data theme") or ()
    if sid is None or title is None or desc is None or keywords is None:
        return None
    return Service(sid, title, desc, r.origin(node), endpoint, keywords, themes)


def _place(r: Reader, node: Node, path: str) -> Place | None:
    m = r.mapping(node, path, ("iri", "label"))
    if m is None:
        return None
    iri = r.iri(m["iri"], f"{path}.iri") if "iri" in m else None
    label = r.langtext(m["label"], f"{path}.label") if "label" in m else None
    if iri is None or label is None:
        return None
    return Place(iri, label, r.origin(node))


def _criterion(r: Reader, node: Node, path: str) -> SearchCriterion | None:
    m = r.mapping(node, path, ("id", "label"))
    if m is None:
        return None
    cid = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    label = r.langtext(m["label"], f"{path}.label") if "label" in m else None
    if cid is None or label is None:
        return None
    return SearchCriterion(cid, label, r.origin(node))


def _interface(r: Reader, node: Node, path: str) -> TechnicalInterface | None:
    m = r.mapping(node, path, ("open", "statement"))
    if m is None:
        return None
    is_open = r.boolean(m["open"], f"{path}.open") if "open" in m else None
    statement = r.langtext(m["statement"], f"{path}.statement") if "statement" in m else None
    if is_open is None or statement is None:
        return None
    return TechnicalInterface(is_open, statement, r.origin(node))


def _cross_reference(r: Reader, node: Node, path: str) -> CrossReference | None:
    m = r.mapping(node, path, ("id", "documents", "see"))
    if m is None:
        return None
    rid = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    documents = r.langtext(m["documents"], f"{path}.documents") if "documents" in m else None
    see = r.langtext(m["see"], f"{path}.see") if "see" in m else None
    if rid is None or documents is None or see is None:
        return None
    return CrossReference(rid, documents, see, r.origin(node))


def _section(r: Reader, node: Node, path: str) -> Section | None:
    m = r.mapping(node, path, ("id", "title", "description"),
                  ("subtitle", "technical_interface", "cross_references"))
    if m is None:
        return None
    sid = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    title = r.langtext(m["title"], f"{path}.title") if "title" in m else None
    desc = r.langtext(m["description"], f"{path}.description") if "description" in m else None
    subtitle = r.langtext(m["subtitle"], f"{path}.subtitle") if "subtitle" in m else None
    interface = (_interface(r, m["technical_interface"], f"{path}.technical_interface")
                 if "technical_interface" in m else None)
    refs = (r.items(m["cross_references"], f"{path}.cross_references",
                    lambda n, p: _cross_reference(r, n, p)) if "cross_references" in m else ())
    if sid is None or title is None or desc is None:
        return None
    return Section(sid, title, desc, r.origin(node), subtitle, interface, refs)


# -- resources/*.yaml ----------------------------------------------------------------------------


def _codes(r: Reader, m: dict[str, Node], key: str, path: str, allowed: tuple[str, ...], what: str
           ) -> tuple[str, ...] | None:
    if key not in m:
        return None
    return r.items(m[key], f"{path}.{key}" if path else key, lambda n, p: r.choice(n, p, allowed, what))


def _iris(r: Reader, m: dict[str, Node], key: str, path: str) -> tuple[str, ...] | None:
    if key not in m:
        return None
    return r.items(m[key], f"{path}.{key}" if path else key, r.iri)


def _ids(r: Reader, m: dict[str, Node], key: str, path: str) -> tuple[str, ...] | None:
    if key not in m:
        return None
    return r.items(m[key], f"{path}.{key}" if path else key, r.identifier)


def _law(r: Reader, node: Node, path: str) -> str | None:
    value = r.text(node, path)
    if value is not None and vocab.law_iri(value) is None:
        r.problem(node, path, f"`{value}` is not a statute number",
                  "write it as number/year, e.g. `906/2019`, or as an ELI IRI")
        return None
    return value


def _system(r: Reader, node: Node, path: str) -> System | str | None:
    if isinstance(node, yaml.ScalarNode):
        return r.identifier(node, path)
    m = r.mapping(node, path, ("id", "name"), ("description",))
    if m is None:
        return None
    sid = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    name = r.langtext(m["name"], f"{path}.name") if "name" in m else None
    desc = r.langtext(m["description"], f"{path}.description") if "description" in m else None
    if sid is None or name is None:
        return None
    return System(sid, name, r.origin(node), desc)


def _search(r: Reader, node: Node, path: str) -> SearchCriteria | None:
    m = r.mapping(node, path, ("criteria", "statement"))
    if m is None:
        return None
    criteria = _ids(r, m, "criteria", path)
    statement = r.langtext(m["statement"], f"{path}.statement") if "statement" in m else None
    if criteria is None or statement is None:
        return None
    return SearchCriteria(criteria, statement, r.origin(node))


def _dataset(r: Reader, node: Node, path: str) -> DataSet | None:
    m = r.mapping(node, path, ("id", "title", "description"),
                  ("keywords", "systems", "themes", "subjects", "issued", "modified"))
    if m is None:
        return None
    did = r.identifier(m["id"], f"{path}.id") if "id" in m else None
    title = r.langtext(m["title"], f"{path}.title") if "title" in m else None
    desc = r.langtext(m["description"], f"{path}.description") if "description" in m else None
    keywords = r.langlist(m["keywords"], f"{path}.keywords") if "keywords" in m else LangList(())
    systems = _ids(r, m, "systems", path)
    themes = _codes(r, m, "themes", path, vocab.THEMES, "EU data theme")
    subjects = _iris(r, m, "subjects", path)
    issued = r.date(m["issued"], f"{path}.issued") if "issued" in m else None
    modified = r.date(m["modified"], f"{path}.modified") if "modified" in m else None
    if did is None or title is None or desc is None or keywords is None:
        return None
    return DataSet(did, title, desc, r.origin(node), keywords, systems, themes, subjects, issued, modified)


def _resource(r: Reader, node: Node) -> Resource | None:
    m = r.mapping(node, "", ("id", "section", "title", "description", "themes", "datasets"),
                  ("subjects", "keywords", "legislation", "systems", "search_criteria", "access_rights",
                   "publisher", "contact_point", "technical_interface", "issued", "modified"))
    if m is None:
        return None
    rid = r.identifier(m["id"], "id") if "id" in m else None
    section = r.identifier(m["section"], "section") if "section" in m else None
    title = r.langtext(m["title"], "title") if "title" in m else None
    desc = r.langtext(m["description"], "description") if "description" in m else None
    themes = _codes(r, m, "themes", "", vocab.THEMES, "EU data theme")
    subjects = _iris(r, m, "subjects", "") or ()
    keywords = r.langlist(m["keywords"], "keywords") if "keywords" in m else LangList(())
    legislation = r.items(m["legislation"], "legislation", lambda n, p: _law(r, n, p)) \
        if "legislation" in m else ()
    system_items = r.items(m["systems"], "systems", lambda n, p: _system(r, n, p)) if "systems" in m else ()
    search = _search(r, m["search_criteria"], "search_criteria") if "search_criteria" in m else None
    access = (r.choice(m["access_rights"], "access_rights", vocab.ACCESS_RIGHTS, "EU access right")
              if "access_rights" in m else "NON_PUBLIC")
    publisher = r.identifier(m["publisher"], "publisher") if "publisher" in m else None
    contact = r.identifier(m["contact_point"], "contact_point") if "contact_point" in m else None
    interface = (_interface(r, m["technical_interface"], "technical_interface")
                 if "technical_interface" in m else None)
    issued = r.date(m["issued"], "issued") if "issued" in m else None
    modified = r.date(m["modified"], "modified") if "modified" in m else None
    datasets = r.items(m["datasets"], "datasets", lambda n, p: _dataset(r, n, p)) if "datasets" in m else ()
    if None in (rid, section, title, desc, themes, keywords, access):
        return None
    return Resource(
        id=rid, section=section, title=title, description=desc, origin=r.origin(node),  # type: ignore[arg-type]
        themes=themes, subjects=subjects, keywords=keywords, legislation=legislation,  # type: ignore[arg-type]
        systems=tuple(s for s in system_items if isinstance(s, System)),
        system_refs=tuple(s for s in system_items if isinstance(s, str)),
        search_criteria=search, datasets=datasets, access_rights=access,  # type: ignore[arg-type]
        publisher=publisher, contact_point=contact, technical_interface=interface,
        issued=issued, modified=modified,
    )


# -- cross-record checks -------------------------------------------------------------------------


def cross_check(source: Source) -> list[Problem]:
    """Identifiers unique per kind and every reference resolving; problems point at the referring line."""
    problems: list[Problem] = []

    def at(origin: Origin, field: str, message: str, hint: str) -> None:
        problems.append(Problem(origin.file, origin.line, origin.column, field, message, hint))

    def unique(kind: str, items: list[tuple[str, Origin]]) -> set[str]:
        seen: dict[str, Origin] = {}
        for ident, origin in items:
            if ident in seen:
                first = seen[ident]
                at(origin, f"{kind}.id", f"{kind} id `{ident}` is already used at {first.file}:{first.line}",
                   "give each record its own id; ids become IRIs and must be unique")
            else:
                seen[ident] = origin
        return set(seen)

    cat = source.catalog
    sections = unique("section", [(s.id, s.origin) for s in source.sections])
    agents = unique("agent", [(a.id, a.origin) for a in (source.publisher, *source.agents)])
    criteria = unique("search_criterion", [(c.id, c.origin) for c in source.search_criteria])
    unique("resource/dataset", [(r.id, r.origin) for r in source.resources]
           + [(d.id, d.origin) for r in source.resources for d in r.datasets]
           + [(cat.id, cat.origin)] + [(s.id, s.origin) for s in source.sections])
    systems = unique("system", [(s.id, s.origin) for _, s in source.systems()])
    for res in source.resources:
        o = res.origin
        if res.section not in sections:
            at(o, "section", f"section `{res.section}` is not defined in catalog.yaml",
               _choices("add it under `sections:` in catalog.yaml, or use one of", sections))
        if res.publisher is not None and res.publisher not in agents:
            at(o, "publisher", f"agent `{res.publisher}` is not defined in catalog.yaml",
               _choices("define it under `agents:`, or use one of", agents))
        if res.contact_point is not None and res.contact_point != source.contact_point.id:
            at(o, "contact_point", f"contact point `{res.contact_point}` is not defined",
               f"use `{source.contact_point.id}` or leave the key out")
        for ref in res.system_refs:
            if ref not in systems:
                at(o, "systems", f"system `{ref}` is not defined in any resource",
                   "define it as `- id: ...` with a `name:`, or fix the spelling")
        mine = set(res.all_system_ids())
        if res.search_criteria is not None:
            for c in res.search_criteria.criteria:
                if c not in criteria:
                    at(res.search_criteria.origin, "search_criteria.criteria",
                       f"search criterion `{c}` is not defined in catalog.yaml",
                       _choices("add it under `search_criteria:`, or use one of", criteria))
        for i, ds in enumerate(res.datasets):
            for ref in ds.systems or ():
                if ref not in mine:
                    at(ds.origin, f"datasets[{i}].systems",
                       f"system `{ref}` is not one of this resource's systems",
                       _choices("list it under the resource's `systems:` first, or use one of", mine))
    return problems


def _choices(text: str, options: set[str]) -> str:
    return f"{text}: {', '.join(sorted(options))}" if options else text.split(", or")[0]
