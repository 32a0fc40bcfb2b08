"""Every rule's examples, run on durable-rules: the fixture pack and the real pack."""

from collections.abc import Iterator

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.pipeline.screen import Screener
from screening.testing import ExampleResult, run_examples
from tests.conftest import FIXTURE_PACK, REAL_PACK


def _results(root) -> Iterator[ExampleResult]:  # type: ignore[no-untyped-def]
    pack: RulePack = load_rule_pack(root)
    screener = Screener(pack)
    yield from run_examples(pack, screener)


def _params(root) -> list[ExampleResult]:  # type: ignore[no-untyped-def]
    if not (root / "scoring.yaml").is_file():
        return []
    return list(_results(root))


FIXTURE_RESULTS = _params(FIXTURE_PACK)
REAL_RESULTS = _params(REAL_PACK)


@pytest.mark.parametrize("result", FIXTURE_RESULTS, ids=lambda r: r.label)
def test_fixture_pack_examples(result: ExampleResult) -> None:
    assert result.outcome in ("pass", "gap", "fixed"), result.detail


@pytest.mark.parametrize("result", REAL_RESULTS, ids=lambda r: r.label)
def test_rule_pack_examples(result: ExampleResult) -> None:
    assert result.outcome in ("pass", "gap", "fixed"), result.detail


def test_fixture_pack_has_examples_both_ways() -> None:
    assert {r.example.expect for r in FIXTURE_RESULTS} == {"fire", "quiet"}
