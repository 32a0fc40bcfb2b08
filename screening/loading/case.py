"""Load a case file: YAML -> `Case`, then checks against the rule pack's vocabularies."""

from __future__ import annotations

import difflib
from pathlib import Path

from screening.errors import InputError, Problem
from screening.loading.rulepack import RulePack
from screening.loading.validation import dotted_path, validate_document
from screening.loading.yamlio import MAX_FILE_BYTES, YamlDocument, YamlPath, read_yaml
from screening.models.case import Case

MAX_CASE_BYTES = MAX_FILE_BYTES
#: List items a case may hold in all, at any depth (parties, their aliases and owners, sites
#: and the facilities they declare, documents, technologies…). Each costs up to a millisecond
#: of signals and matching, so this keeps one case within seconds; bundled cases hold under 40.
MAX_CASE_LIST_ITEMS = 2_500


def load_case(path: Path, pack: RulePack) -> tuple[Case, str]:
    """The case and the sha256 of its bytes; `InputError` lists every problem found."""
    doc = read_yaml(path, max_bytes=MAX_CASE_BYTES)
    _refuse_too_many_items(doc)
    case = validate_document(Case, doc, code="case-schema")
    problems = check_case(case, doc, pack)
    if problems:
        raise InputError(problems)
    return case, doc.digest


def _refuse_too_many_items(doc: YamlDocument) -> None:
    """Refuse, before validating it, a case listing more than `MAX_CASE_LIST_ITEMS` items in
    all; the error points at its longest list."""
    total, longest = 0, -1
    where: YamlPath = ()
    stack: list[tuple[object, YamlPath]] = [(doc.data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, (*path, k if isinstance(k, str) else str(k))) for k, v in node.items())
        elif isinstance(node, list):
            total += len(node)
            if len(node) > longest:
                longest, where = len(node), path
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
    if total > MAX_CASE_LIST_ITEMS:
        shown = dotted_path(where) or "the case"
        raise InputError(
            [
                Problem(
                    doc.location(where),
                    f"the case lists {total:,} items in all (the longest list, {shown}, has "
                    f"{longest:,}); expected at most {MAX_CASE_LIST_ITEMS:,}: split the case",
                    "case-too-large",
                )
            ]
        )


def check_case(case: Case, doc: YamlDocument, pack: RulePack) -> list[Problem]:
    """What the schema cannot know: vocabularies and references inside the case."""
    out: list[Problem] = []
    sectors = {s.id for s in pack.vocabulary.sectors}
    kinds = {k.id for k in pack.vocabulary.facility_kinds}
    if case.target:
        for i, sector in enumerate(case.target.sectors):
            if sector not in sectors:
                out.append(
                    Problem(
                        doc.location(("target", "sectors", i)),
                        f"target.sectors[{i}]: unknown sector '{sector}'; expected one "
                        f"of {', '.join(sorted(sectors))}{_did_you_mean(sector, sorted(sectors))}",
                        "case-vocabulary",
                    )
                )
    for i, site in enumerate(case.sites):
        for j, declared in enumerate(site.declared_nearby):
            if declared.kind not in kinds:
                out.append(
                    Problem(
                        doc.location(("sites", i, "declared_nearby", j, "kind")),
                        f"sites[{i}].declared_nearby[{j}].kind: unknown facility kind "
                        f"'{declared.kind}'; expected one of {', '.join(sorted(kinds))}"
                        f"{_did_you_mean(declared.kind, sorted(kinds))}",
                        "case-vocabulary",
                    )
                )
    for label, key, ids in (
        ("party", "parties", [p.id for p in case.parties]),
        ("document", "documents", [d.id for d in case.documents]),
    ):
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident not in seen:
                seen[ident] = i
            else:
                first = doc.location((key, seen[ident], "id")).line
                out.append(
                    Problem(
                        doc.location((key, i, "id")),
                        f"{key}[{i}].id: duplicate {label} id '{ident}' (first at line {first})",
                        "case-reference",
                    )
                )
    for i, document in enumerate(case.documents):
        for j, sig in enumerate(document.signatories):
            for key, ref in (("party", sig.party), ("on_behalf_of", sig.on_behalf_of)):
                if ref is not None and case.party(ref) is None:
                    out.append(
                        Problem(
                            doc.location(("documents", i, "signatories", j, key)),
                            f"documents[{i}].signatories[{j}].{key}: '{ref}' is not "
                            "a party id or name of this case",
                            "case-reference",
                        )
                    )
    out.extend(_holders_are_parties(case, doc))
    return out


def _holders_are_parties(case: Case, doc: YamlDocument) -> list[Problem]:
    """Rights, land and site roles name their party by id; a typo would silently drop the link."""
    ids = [p.id for p in case.parties]
    holders: list[tuple[YamlPath, str]] = []
    if case.transaction is not None:
        holders += [
            (("transaction", "rights", i, "holder"), right.holder)
            for i, right in enumerate(case.transaction.rights)
            if right.holder is not None
        ]
    for i, site in enumerate(case.sites):
        holders += [
            (("sites", i, "land", j, "holder"), land.holder) for j, land in enumerate(site.land)
        ]
        holders += [
            (("sites", i, "parties", j, "party"), sp.party) for j, sp in enumerate(site.parties)
        ]
    known = sorted(set(ids))
    expected = f"expected one of {', '.join(known)}" if known else "the case has no parties"
    return [
        Problem(
            doc.location(path),
            f"{dotted_path(path)}: '{holder}' is not a party id of this case; {expected}"
            f"{_did_you_mean(holder, known)}",
            "case-reference",
        )
        for path, holder in holders
        if holder not in known
    ]


def _did_you_mean(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
