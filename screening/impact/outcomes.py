"""What scoring reads of each rule's firings on a case, kept by the digest of the rule's matching.

A rule's firings on a case depend on the case's facts (the signals digest), on what the
engine matches for the rule (its compiled patterns, stratum and carried join keys) and on the
findings of the rules it rests on, which depend on theirs in turn. `matching_digests` hashes
all of that per rule (with the code that compiles, matches and builds findings), so a rule
whose digest is unchanged fires alike and only rules with a new digest, and the rules they
rest on, are matched again: none after a weight, scoring or wording change; the edited rule
and the compound rules built on it after a condition change.

Scoring reads of a rule's firings only whether it fired and the case evidence they rest on
(`Draft.base_facts` and `Draft.facts`); that is the `Outcome` kept per rule, for every active
rule matched (one that did not fire too). Each outcome comes from durable-rules' firings on
that case; none is inferred.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, NamedTuple

from screening.compile.dnf import finding_dependencies
from screening.impact import Screened
from screening.impact.store import code_digest, signals_digest
from screening.loading.rulepack import RulePack
from screening.models.rule import Rule
from screening.pipeline.engine import RuleFiring, compile_rules
from screening.pipeline.findings import Draft, build_drafts
from screening.pipeline.scoring import band_of, tally
from screening.signals.extract import Extraction

#: Bumped when what a digest covers or an outcome holds changes.
FORMAT = 1
#: The code a rule's outcome depends on beyond extraction: compiling, matching, findings.
CODE = ("compile", "pipeline", "impact")


class Outcome(NamedTuple):
    """A rule's firings on one case, as scoring reads them (0 firings: it did not fire)."""

    firings: int
    base_facts: frozenset[str]
    facts: frozenset[str]


NOT_FIRED = Outcome(0, frozenset(), frozenset())


@functools.lru_cache(maxsize=1)
def _matching_code() -> str:
    parts = [FORMAT, code_digest(CODE), metadata.version("durable-rules")]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def matching_digests(pack: RulePack) -> dict[str, str]:
    """Per active rule, a digest of everything its firings depend on besides the case."""
    rules = {r.id: r for r in pack.active_rules}
    compiled: dict[str, list[Any]] = {}
    for c in compile_rules(pack.active_rules)[0]:  # with strata and carried keys
        compiled.setdefault(c.rule_id, []).append(c.spec)
    memo: dict[str, str] = {}

    def digest(rid: str) -> str:
        if rid not in memo:
            memo[rid] = ""  # a cycle is refused when the pack is loaded
            rule = rules[rid]
            deps = sorted(
                (dep, negated, digest(dep) if dep in rules else None)
                for dep, negated in finding_dependencies(rule)
            )
            parts = [_matching_code(), rid, compiled.get(rid), rule.when.model_dump(mode="json")]
            text = json.dumps([*parts, deps], sort_keys=True, default=str)
            memo[rid] = hashlib.sha256(text.encode()).hexdigest()[:32]
        return memo[rid]

    return {rid: digest(rid) for rid in rules}


def closure(pack: RulePack, rule_ids: set[str]) -> set[str]:
    """The rules and, transitively, the active rules their findings rest on."""
    return _closure(_dependencies(pack), rule_ids)


def _dependencies(pack: RulePack) -> dict[str, set[str]]:
    """Per active rule, the active rules whose findings (or their absence) it tests."""
    rules = {r.id: r for r in pack.active_rules}
    return {rid: {d for d, _ in finding_dependencies(r) if d in rules} for rid, r in rules.items()}


def _closure(deps: dict[str, set[str]], rule_ids: set[str]) -> set[str]:
    out: set[str] = set()
    todo = [rid for rid in rule_ids if rid in deps]
    while todo:
        rid = todo.pop()
        if rid not in out:
            out.add(rid)
            todo += deps[rid]
    return out


def outcomes(
    pack: RulePack, rule_ids: frozenset[str], firings: list[RuleFiring], extraction: Extraction
) -> dict[str, Outcome]:
    """Each of `rule_ids`' outcome from the engine's firings on the case (evidence as
    `build_drafts` builds it, so what counts as evidence cannot drift from screening)."""
    drafts = build_drafts(pack, firings, extraction.by_id(), extraction.values, explain=False)
    fired = {d.rule.id: d for d in drafts}
    out = dict.fromkeys(rule_ids, NOT_FIRED)
    for rid in rule_ids & fired.keys():
        d = fired[rid]
        out[rid] = Outcome(d.firings, frozenset(d.base_facts), frozenset(d.facts))
    return out


@dataclass(frozen=True)
class Side:
    """One pack with its digests, computed once (in the parent, before the workers start)."""

    pack: RulePack
    signals: str  # what its extraction depends on
    rules: dict[str, str]  # active rule id -> what its firings depend on
    by_digest: dict[str, tuple[int, Rule]]  # digest -> (place in the pack, active rule)
    needed: frozenset[str]  # the digests of its active rules
    deps: dict[str, set[str]]  # active rule id -> the active rules it rests on

    @classmethod
    def of(cls, pack: RulePack) -> Side:
        digests = matching_digests(pack)
        by_digest = {digests[r.id]: (i, r) for i, r in enumerate(pack.active_rules)}
        needed = frozenset(digests.values())
        return cls(pack, signals_digest(pack), digests, by_digest, needed, _dependencies(pack))

    def closure(self, rule_ids: set[str]) -> frozenset[str]:
        """The rules and, transitively, the active rules their findings rest on."""
        return frozenset(_closure(self.deps, rule_ids))


@dataclass
class Row:
    """One case's outcomes under one signals digest: by rule digest, for any pack."""

    case_id: str | None = None
    sensitivity: str | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    fired: dict[str, Outcome] = field(default_factory=dict)  # those of rules that fired
    dirty: bool = False

    def add(self, digest: str, outcome: Outcome) -> None:
        self.outcomes[digest] = outcome
        if outcome.firings:
            self.fired[digest] = outcome
        else:
            self.fired.pop(digest, None)

    def missing(self, side: Side) -> set[str]:
        """The ids of the side's rules whose outcome is not known."""
        if self.case_id is None:
            return set(side.rules)
        if self.outcomes.keys() >= side.needed:
            return set()
        return {rid for rid, d in side.rules.items() if d not in self.outcomes}

    def score(self, side: Side) -> Screened:
        """The score, band and fired rules `Screener.screen` gives, from the outcomes."""
        found = [(side.by_digest[d], o) for d, o in self.fired.items() if d in side.by_digest]
        found.sort(key=lambda x: x[0][0])  # in pack order (the score does not depend on it)
        drafts = [Draft(r, base_facts=set(o.base_facts), facts=set(o.facts)) for (_, r), o in found]
        scoring = side.pack.scoring
        t = tally(drafts, scoring, self.sensitivity)
        score = round(t.score, 1)
        rules = {d.rule.id for d in drafts}
        return Screened.of(self.case_id or "", score, band_of(score, scoring.bands), rules)

    def encode(self, keep: set[str]) -> bytes:
        """The row as compressed JSON, with only the outcomes under the digests in `keep`:
        the digests of rules that did not fire in one string, the others with their facts."""
        kept = sorted((d, o) for d, o in self.outcomes.items() if d in keep)
        data = {
            "case": self.case_id,
            "sensitivity": self.sensitivity,
            "quiet": " ".join(d for d, o in kept if not o.firings),
            "fired": {
                d: [o.firings, sorted(o.base_facts), sorted(o.facts)] for d, o in kept if o.firings
            },
        }
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 1)


def decode(payload: bytes) -> Row | None:
    """A stored row, or None when it does not decompress, parse or have the expected shape
    (zlib's checksum catches damaged bytes)."""
    try:
        data = json.loads(zlib.decompress(payload))
        case_id, sensitivity = data["case"], data["sensitivity"]
        quiet, fired = data["quiet"], data["fired"]
        if type(case_id) is not str or type(quiet) is not str or type(fired) is not dict:
            return None
        if sensitivity is not None and type(sensitivity) is not str:
            return None
        row = Row(case_id, sensitivity, dict.fromkeys(quiet.split(), NOT_FIRED))
        for digest, value in fired.items():
            row.add(digest, _outcome(value))
    except (ValueError, TypeError, KeyError, zlib.error):
        return None
    return row


def _outcome(value: Any) -> Outcome:
    n, base, facts = value
    if type(n) is not int or n < 1 or not _strings(base) or not _strings(facts):
        raise ValueError("not an outcome")
    return Outcome(n, frozenset(base), frozenset(facts))


def _strings(value: Any) -> bool:
    return type(value) is list and set(map(type, value)) <= {str}
