"""What a run screened with, entry by entry: a digest per rule and per registry entry.

The pack digest says *that* the rules or registries changed; these say *which* rule or
entry did, so `screening monitor` can tell a reviewer why a case moved (a rule added or
edited, a party newly listed, a facility moved). The results database stores them per run.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from screening.loading.rulepack import RulePack
from screening.waivers import rule_digest

#: kind -> {key -> digest}: `rule` (rule id), `entity`, `facility`, `place` (registry ids),
#: `settings` (`scoring`: weights' scale and band thresholds).
Digests = dict[str, dict[str, str]]


def entry_digest(entry: BaseModel) -> str:
    text = entry.model_dump_json(exclude_none=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def pack_digests(pack: RulePack) -> Digests:
    """The digests of every active rule and registry entry of the pack."""
    return {
        "rule": {r.id: rule_digest(pack, r.id) for r in pack.active_rules},
        "entity": {key: entry_digest(e) for key, e in pack.entities.items()},
        "facility": {f.id: entry_digest(f) for f in pack.facilities},
        "place": {p.id: entry_digest(p) for p in pack.places},
        "settings": {"scoring": entry_digest(pack.scoring)},
    }
