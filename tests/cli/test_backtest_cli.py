import json
from pathlib import Path

from click.testing import CliRunner

from screening.cli import cli
from tests.conftest import FIXTURE_PACK, FIXTURES


def test_backtest_json_confusion_and_disagreements() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "backtest",
            str(FIXTURES / "cases"),
            "--rules",
            str(FIXTURE_PACK),
            "--format",
            "json",
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cases"] == 2
    assert data["confusion"]["critical"]["critical"] == 1
    assert data["confusion"]["medium"]["low"] == 1
    assert data["agreement"] == 0.5 and data["within_one_band"] == 1.0
    (dis,) = data["disagreements"]
    assert dis["case_id"] == "quiet" and dis["expected_band"] == "medium" and dis["band"] == "low"
    assert data["rule_hits"]["near-naval-base"] == {"fired": 1, "counted": 1}


def test_backtest_text_and_markdown() -> None:
    args = ["backtest", str(FIXTURES / "cases"), "--rules", str(FIXTURE_PACK), "-j", "1"]
    text = CliRunner().invoke(cli, args)
    assert text.exit_code == 0 and "agreement 50%" in text.stdout and "quiet" in text.stdout
    md = CliRunner().invoke(cli, [*args, "--format", "markdown"])
    assert "| expected ↓ / actual → |" in md.stdout and "| quiet | medium | low |" in md.stdout


def test_backtest_errors_go_to_stderr_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "backtest",
            str(FIXTURES / "cases"),
            str(tmp_path / "x"),
            "--rules",
            str(FIXTURE_PACK),
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 2
    assert "no such file, folder or matching files" in result.stderr
    assert "no such file" not in result.stdout


def test_backtest_with_no_labelled_case_says_so(tmp_path: Path) -> None:
    case = tmp_path / "c.yaml"
    case.write_text("id: c\ntitle: t\njurisdiction: XX\n")
    result = CliRunner().invoke(
        cli, ["backtest", str(case), "--rules", str(FIXTURE_PACK), "-j", "1"]
    )
    assert "nothing to compare" in result.stdout


def test_backtest_gate_fails_on_a_stopped_deal_scored_low(tmp_path: Path) -> None:
    blocked = (FIXTURES / "cases" / "quiet.yaml").read_text(encoding="utf-8")
    blocked = blocked.replace(
        "expected_band: medium", "expected_band: medium\noutcome: {status: blocked}"
    )
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "blocked.yaml").write_text(blocked, encoding="utf-8")
    args = ["backtest", str(folder), "--rules", str(FIXTURE_PACK), "-j", "1"]
    plain = CliRunner().invoke(cli, args)
    assert plain.exit_code == 0
    assert "Blocked or divestment-ordered cases scored low: 1" in plain.stdout
    gated = CliRunner().invoke(cli, [*args, "--gate"])
    assert gated.exit_code == 1
    assert "gate failed: 1 blocked or divestment-ordered cases score low: quiet" in gated.stderr


def test_calibrate_reports_lift_and_cross_validated_proposals() -> None:
    args = ["calibrate", str(FIXTURES / "cases"), "--rules", str(FIXTURE_PACK), "--folds", "2"]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["current"]["cases"] == 2 and data["cross_validated"]["folds"] == 2
    assert {x["rule_id"] for x in data["lift"]} >= {"near-naval-base"}
    text = CliRunner().invoke(cli, args)
    assert "Proposed weight changes (nothing is edited" in text.stdout
