"""`screening impact` at scale: worker processes, shared signals and the signals store."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.checks import load_rule_pack
from screening.cli import cli
from screening.impact import CaseImpact, compare
from screening.impact import pair as pair_module
from screening.impact.pair import PairScreener
from screening.impact.store import SignalStore, signals_digest
from tests.conftest import FIXTURE_PACK, FIXTURES

CASES = [str(p) for p in sorted((FIXTURES / "cases").glob("*.yaml"))]


def _heavier(dst: Path) -> Path:
    """The fixture pack with one weight raised: the signals are those of the base."""
    shutil.copytree(FIXTURE_PACK, dst)
    rule = dst / "proximity" / "near-naval-base.yaml"
    rule.write_text(rule.read_text().replace("weight: 40", "weight: 90"))
    return dst


def _rows(impacts: list[CaseImpact]) -> list[tuple[object, ...]]:
    return [(i.path, i.before, i.after, i.problems) for i in impacts]


def test_a_weight_change_keeps_the_signals_digest_a_registry_change_does_not(
    tmp_path: Path,
) -> None:
    base = load_rule_pack(FIXTURE_PACK)
    head = load_rule_pack(_heavier(tmp_path / "head"))
    assert signals_digest(base) == signals_digest(head)
    registry = tmp_path / "registry"
    shutil.copytree(FIXTURE_PACK, registry)
    entities = next((registry / "registries").rglob("*.yaml"))
    entities.write_text(entities.read_text().replace("name: ", "name: X", 1))
    changed = load_rule_pack(registry)
    assert signals_digest(base) != signals_digest(changed)


def test_two_workers_give_the_impacts_of_one_in_the_same_order(tmp_path: Path) -> None:
    base = load_rule_pack(FIXTURE_PACK)
    head = load_rule_pack(_heavier(tmp_path / "head"))
    paths = CASES * 10
    one = compare(base, head, paths, jobs=1)
    two = compare(base, head, paths, jobs=2)
    assert _rows(one) == _rows(two)
    moved = [i for i in one if i.before and i.after and i.before.score != i.after.score]
    assert moved, "the raised weight moves at least one fixture case"


def test_stored_signals_are_used_instead_of_reading_the_case_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = load_rule_pack(FIXTURE_PACK)
    head = load_rule_pack(_heavier(tmp_path / "head"))
    store = tmp_path / "signals.sqlite"
    first = compare(base, head, CASES, jobs=2, store=store)  # written by the workers
    rows = SignalStore(store).db.execute("SELECT count(*) FROM signals").fetchone()[0]
    assert rows == len(CASES)  # one entry a case: both packs extract alike

    def refuse(*_args: object) -> None:
        raise AssertionError("case file loaded although its signals are stored")

    monkeypatch.setattr(pair_module, "load_case", refuse)
    assert _rows(compare(base, head, CASES, jobs=1, store=store)) == _rows(first)


def test_a_damaged_store_entry_is_read_as_missing(tmp_path: Path) -> None:
    base = load_rule_pack(FIXTURE_PACK)
    store = tmp_path / "signals.sqlite"
    compare(base, base, CASES[:1], store=store)
    db = SignalStore(store).db
    db.execute("UPDATE signals SET payload = x'00ff'")
    db.execute("DELETE FROM outcomes")  # so that the signals are needed
    pair = PairScreener(base, base, store)
    try:
        impact = pair.impact(CASES[0])
    finally:
        pair.close()
    assert impact.complete and impact.before == impact.after
    payload = SignalStore(store).db.execute("SELECT payload FROM signals").fetchone()[0]
    assert payload != b"\x00\xff"  # extracted again and stored afresh


def test_cli_impact_with_jobs_and_without_the_store(tmp_path: Path) -> None:
    head = _heavier(tmp_path / "head")
    args = ["impact", *CASES, "--base", str(FIXTURE_PACK), "--head", str(head)]
    one = CliRunner().invoke(cli, [*args, "--jobs", "1", "--no-cache", "--format", "json"])
    two = CliRunner().invoke(cli, [*args, "--jobs", "2", "--no-cache", "--format", "json"])
    assert one.exit_code == 0, one.output
    assert one.stdout == two.stdout
    assert '"band_move"' in one.stdout
