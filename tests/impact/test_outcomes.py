"""Impact with stored rule outcomes gives what screening each case afresh under both packs gives.

The bundled pack and cases (cases/ and cases/dev) under four edits: a weight, a condition
(a rule other rules rest on), a rule added and a rule removed. Each is run without a store,
with an empty store and with the store filled by that run, and each run is compared with
`Screener.screen` of every case under each pack (the full pipeline, nothing cached).
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.checks import load_rule_pack
from screening.cli import cli
from screening.errors import InputError
from screening.impact import CaseImpact, Screened, compare
from screening.impact.outcomes import NOT_FIRED, closure, decode, matching_digests
from screening.impact.pair import PairScreener
from screening.impact.store import SignalStore
from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.pipeline import engine
from screening.pipeline.screen import Screener
from tests.conftest import REAL_PACK, ROOT

CASES = [str(p) for p in sorted([*ROOT.glob("cases/*.yaml"), *ROOT.glob("cases/dev/*.yaml")])]
SHARE_25 = Path("state-ownership/foreign-state-share-25.yaml")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def weight(rules: Path) -> None:
    _edit(rules / "academic/foreign-academic-institution.yaml", "weight: 20", "weight: 45")


def condition(rules: Path) -> None:
    """A threshold of a rule a compound rule rests on: both are matched again."""
    _edit(rules / SHARE_25, "state_share_gte: 25", "state_share_gte: 10")


def added(rules: Path) -> None:
    text = (rules / SHARE_25).read_text(encoding="utf-8")
    text = text.replace("id: foreign-state-share-25", "id: foreign-state-share-5", 1)
    text = text.replace("state_share_gte: 25", "state_share_gte: 5", 1)
    (rules / "state-ownership/foreign-state-share-5.yaml").write_text(text, encoding="utf-8")


def removed(rules: Path) -> None:
    (rules / "state-ownership/sovereign-fund-investor.yaml").unlink()
    # a rule a compound rule rests on, out of the active pack
    _edit(rules / "financing/policy-bank-lender.yaml", "family: ", "status: draft\nfamily: ")


EDITS: dict[str, Callable[[Path], None]] = {
    "weight": weight,
    "condition": condition,
    "added": added,
    "removed": removed,
}


def _screen(pack: RulePack) -> dict[str, Screened | None]:
    """Every case screened afresh (None: it does not load under this pack)."""
    screener = Screener(pack)
    out: dict[str, Screened | None] = {}
    try:
        for path in CASES:
            try:
                case = load_case(Path(path), pack)[0]
            except InputError:
                out[path] = None
                continue
            r = screener.screen(case, case_digest="")
            out[path] = Screened.of(case.id, r.score, r.band, {f.rule_id for f in r.findings})
    finally:
        screener.close()
    return out


@pytest.fixture(scope="module")
def base() -> tuple[RulePack, dict[str, Screened | None]]:
    pack = load_rule_pack(REAL_PACK)
    return pack, _screen(pack)


@pytest.fixture(scope="module", params=sorted(EDITS))
def head(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, RulePack, dict[str, Screened | None]]]:
    rules = tmp_path_factory.mktemp(request.param) / "rules"
    shutil.copytree(REAL_PACK, rules)
    EDITS[request.param](rules)
    pack = load_rule_pack(rules)
    yield request.param, pack, _screen(pack)


def test_cli_output_is_the_same_with_the_store_empty_filled_and_not_used(
    head: tuple[str, RulePack, dict[str, Screened | None]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCREENING_CACHE", str(tmp_path / "cache"))
    args = ["impact", *CASES, "--base", str(REAL_PACK), "--head", str(head[1].root)]
    runs = [[*args, "--no-cache"], args, args]  # no store; then empty; then filled
    outputs = [CliRunner().invoke(cli, [*run, "--format", "json", "--all"]) for run in runs]
    assert [o.exit_code for o in outputs] == [0, 0, 0], outputs[0].output
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout
    assert (tmp_path / "cache" / "signals.sqlite").is_file()


def _sides(impacts: list[CaseImpact]) -> list[tuple[Screened | None, Screened | None]]:
    return [(i.before, i.after) for i in impacts]


def test_impact_with_and_without_stored_outcomes_equals_screening_afresh(
    base: tuple[RulePack, dict[str, Screened | None]],
    head: tuple[str, RulePack, dict[str, Screened | None]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (base_pack, before), (edit, head_pack, after) = base, head
    expected = [(before[p], after[p]) for p in CASES]
    store = tmp_path / "signals.sqlite"
    plain = compare(base_pack, head_pack, CASES, jobs=1)
    empty = compare(base_pack, head_pack, CASES, jobs=2, store=store)
    if edit == "weight":  # the store holds every rule's outcome: the engine is not needed

        def refuse(*_args: object) -> None:
            raise AssertionError("a rule matched again although its outcome is stored")

        monkeypatch.setattr(engine.Matcher, "match", refuse)
    filled = compare(base_pack, head_pack, CASES, jobs=1, store=store)
    assert _sides(plain) == expected
    assert _sides(empty) == expected
    assert _sides(filled) == expected
    assert all(i.problems == [] for i in plain)
    changed = [e for e in expected if e[0] != e[1]]
    assert changed, f"the {edit} edit changes no bundled case: the test would prove nothing"


def test_only_the_edited_rule_and_the_rules_built_on_it_get_a_new_digest(
    base: tuple[RulePack, dict[str, Screened | None]], tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REAL_PACK, rules)
    condition(rules)
    old, new = matching_digests(base[0]), matching_digests(load_rule_pack(rules))
    moved = {rid for rid in old if old[rid] != new[rid]}
    assert moved == {
        "foreign-state-share-25",
        "state-party-near-strategic-site",  # rests on its finding
        "private-investor-low-sensitivity",  # rests on its absence
        "passive-state-investor-ordinary-asset",  # on the absence of the one above
    }
    ids = closure(base[0], moved)
    assert "foreign-soe-party" in ids and "near-military-site" in ids  # what they rest on
    assert len(ids) < len(old)
    weight(rules)
    assert matching_digests(load_rule_pack(rules)) == new  # a weight is not matched


def test_a_damaged_or_misshapen_outcomes_row_is_read_as_missing(
    base: tuple[RulePack, dict[str, Screened | None]], tmp_path: Path
) -> None:
    pack, before = base
    store = tmp_path / "signals.sqlite"
    path = CASES[0]
    compare(pack, pack, [path], store=store)
    db = SignalStore(store).db
    (payload,) = db.execute("SELECT payload FROM outcomes").fetchone()
    row = decode(payload)
    assert row is not None and row.case_id and set(row.outcomes.values()) - {NOT_FIRED}
    damaged = payload[:-3] + bytes(b ^ 0xFF for b in payload[-3:])
    assert decode(damaged) is None
    assert decode(b"\x00\xff") is None
    wrong = json.loads(zlib.decompress(payload))
    wrong["fired"][next(iter(wrong["fired"]))] = [1, "not a list", []]
    assert decode(zlib.compress(json.dumps(wrong).encode())) is None
    for bad in (damaged, zlib.compress(json.dumps(wrong).encode())):
        db.execute("UPDATE outcomes SET payload = ?", (bad,))
        pair = PairScreener(pack, pack, store)
        try:
            impact = pair.impact(path)
        finally:
            pair.close()
        assert (impact.before, impact.after) == (before[path], before[path])
        (stored,) = db.execute("SELECT payload FROM outcomes").fetchone()
        assert decode(stored) is not None  # matched again and stored afresh
