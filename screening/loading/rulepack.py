"""Load a rule directory into a `RulePack`: rules, phrase sets, registries and settings.

Layout (see rules/README.md): `scoring.yaml`, `matching.yaml`, `vocabulary.yaml`,
`phrases/*.yaml`, `registries/{facilities,places,entities}/*.yaml`; every other YAML file
below the directory is one rule, `<family>/<rule-id>.yaml`. Every problem of every file is
collected before anything is raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from screening.errors import InputError, Location, Problems, display_path
from screening.loading.validation import validate_document
from screening.loading.yamlio import YamlDocument, read_yaml
from screening.models.registry import (
    EntitiesFile,
    Entity,
    FacilitiesFile,
    Facility,
    PhraseSet,
    PhrasesFile,
    Place,
    PlacesFile,
    VocabularyFile,
)
from screening.models.routing import RoutingFile
from screening.models.rule import Rule
from screening.models.settings import MatchingFile, ScoringFile

M = TypeVar("M", bound=BaseModel)

#: Rule files are small; a larger one is a mistake (a pasted document?).
MAX_RULE_FILE_BYTES = 512 * 1024
SPECIAL_DIRS = ("phrases", "registries")


@dataclass
class LoadedRule:
    rule: Rule
    path: Path
    doc: YamlDocument


@dataclass
class RulePack:
    root: Path
    rules: list[LoadedRule]
    phrase_sets: dict[str, PhraseSet]
    facilities: list[Facility]
    places: list[Place]
    entities: dict[str, Entity]
    vocabulary: VocabularyFile
    scoring: ScoringFile
    matching: MatchingFile
    digest: str
    routing: RoutingFile | None = None
    docs: dict[str, YamlDocument] = field(default_factory=dict)

    @property
    def active_rules(self) -> list[Rule]:
        return [lr.rule for lr in self.rules if lr.rule.status == "active"]

    def rule(self, rule_id: str) -> LoadedRule | None:
        return self._by_id.get(rule_id)

    @cached_property
    def _by_id(self) -> dict[str, LoadedRule]:
        by_id: dict[str, LoadedRule] = {}
        for lr in self.rules:
            by_id.setdefault(lr.rule.id, lr)  # the first of duplicates, as the checks report
        return by_id


def yaml_files(folder: Path, pattern: str = "*.yaml") -> list[Path]:
    """Regular, visible YAML files (not editor lock files, folders or broken links), sorted."""
    return sorted(
        p
        for p in folder.glob(pattern)
        if p.is_file()
        and not p.name.startswith((".", "#"))
        and not any(part.startswith(".") for part in p.relative_to(folder).parts[:-1])
    )


def rule_files(root: Path) -> list[Path]:
    """Every rule file below `root`, in a stable order."""
    out = []
    for path in yaml_files(root, "**/*.yaml"):
        rel = path.relative_to(root)
        if len(rel.parts) < 2 or rel.parts[0] in SPECIAL_DIRS:
            continue
        out.append(path)
    return out


def read_rule_pack(root: Path) -> tuple[RulePack | None, Problems]:
    """The pack's files as models (None when its settings cannot be read) and the problems
    of reading them: YAML, schemas, duplicate registry ids. What the models mean together is
    checked in `screening.checks`."""
    problems = Problems()
    shown = display_path(root)
    if not root.is_dir():
        problems.error(Location(shown), "no such rule directory", "io")
        return None, problems
    docs: dict[str, YamlDocument] = {}

    def load(path: Path, model: type[M], code: str, max_bytes: int = 8 * 1024 * 1024) -> M | None:
        try:
            doc = read_yaml(path, max_bytes=max_bytes)
        except InputError as exc:
            problems.extend(exc.problems)
            return None
        docs[str(path)] = doc
        try:
            return validate_document(model, doc, code=code)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    scoring = load(root / "scoring.yaml", ScoringFile, "scoring")
    matching = load(root / "matching.yaml", MatchingFile, "matching")
    vocabulary = load(root / "vocabulary.yaml", VocabularyFile, "vocabulary")
    routes_file = root / "routes.yaml"
    routing = load(routes_file, RoutingFile, "routes") if routes_file.exists() else None

    phrase_sets: dict[str, PhraseSet] = {}
    for path in yaml_files(root / "phrases"):
        pf = load(path, PhrasesFile, "phrases")
        for i, ps in enumerate(pf.phrase_sets if pf else []):
            if ps.id in phrase_sets:
                _dup(problems, docs[str(path)], ("phrase_sets", i, "id"), "phrase set", ps.id)
            phrase_sets[ps.id] = ps

    facilities = _registry(
        root / "registries" / "facilities", FacilitiesFile, "facilities", load, problems, docs
    )
    places = _registry(root / "registries" / "places", PlacesFile, "places", load, problems, docs)
    entity_list = _registry(
        root / "registries" / "entities", EntitiesFile, "entities", load, problems, docs
    )

    rules: list[LoadedRule] = []
    for path in rule_files(root):
        rule = load(path, Rule, "rule-schema", MAX_RULE_FILE_BYTES)
        if rule is not None:
            rules.append(LoadedRule(rule, path, docs[str(path)]))

    if scoring is None or matching is None or vocabulary is None:
        return None, problems  # nothing can be checked against missing settings
    pack = RulePack(
        root=root,
        rules=rules,
        phrase_sets=phrase_sets,
        facilities=facilities,
        places=places,
        entities={e.id: e for e in entity_list},
        vocabulary=vocabulary,
        scoring=scoring,
        matching=matching,
        digest=pack_digest(root),
        routing=routing,
        docs=docs,
    )
    return pack, problems


def _registry(
    folder: Path,
    model: type[FacilitiesFile] | type[PlacesFile] | type[EntitiesFile],
    key: str,
    load: Callable[..., BaseModel | None],
    problems: Problems,
    docs: dict[str, YamlDocument],
) -> list:  # type: ignore[type-arg]
    items: list = []  # type: ignore[type-arg]
    seen: set[str] = set()
    for path in yaml_files(folder):
        loaded = load(path, model, key)
        for i, item in enumerate(getattr(loaded, key, None) or []):
            if item.id in seen:
                _dup(problems, docs[str(path)], (key, i, "id"), key.rstrip("s"), item.id)
                continue
            seen.add(item.id)
            items.append(item)
    return items


def _dup(
    problems: Problems, doc: YamlDocument, loc: tuple[str | int, ...], what: str, ident: str
) -> None:
    problems.error(doc.location(loc), f"duplicate {what} id '{ident}'", "duplicate-id")


def pack_digest(root: Path) -> str:
    """sha256 over every YAML file of the pack (relative path and bytes), order-independent."""
    h = hashlib.sha256()
    for path in yaml_files(root, "**/*.yaml"):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
