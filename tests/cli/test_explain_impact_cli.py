"""`screening explain` and `screening impact`."""

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screening.cli import cli
from tests.conftest import FIXTURE_PACK, FIXTURES

CASE = str(FIXTURES / "cases" / "port-city-concession.yaml")
QUIET = str(FIXTURES / "cases" / "quiet.yaml")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_explain_a_rule_that_fired_shows_the_matched_facts() -> None:
    result = run("explain", CASE, "municipal-central-confidential", "--rules", str(FIXTURE_PACK))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("municipal-central-confidential on port-city-concession: FIRED")
    assert any("✓ text" in x for x in lines)
    assert any('matched: text: "maintain confidentiality"' in x for x in lines)


def test_explain_a_rule_that_did_not_fire_shows_what_failed_and_what_was_seen() -> None:
    result = run("explain", QUIET, "bri-framing", "--rules", str(FIXTURE_PACK))
    assert result.exit_code == 0
    assert "bri-framing on quiet: did not fire" in result.stdout
    assert "✗ text" in result.stdout
    assert "not counted, excluded context 'film festival'" in result.stdout


def test_explain_absence_and_compound() -> None:
    result = run("explain", CASE, "no-review-soe", "--rules", str(FIXTURE_PACK))
    assert "✗ finding soe-party" in result.stdout and "rule soe-party did not fire" in result.stdout
    near = run("explain", QUIET, "near-naval-base", "--rules", str(FIXTURE_PACK))
    assert "the case has no sites" in near.stdout


def test_explain_unknown_rule_and_bad_case(tmp_path: Path) -> None:
    assert run("explain", CASE, "nope", "--rules", str(FIXTURE_PACK)).exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n")
    result = run("explain", str(bad), "bri-framing", "--rules", str(FIXTURE_PACK))
    assert result.exit_code == 2 and "malformed YAML" in result.stderr


def _heavier(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst)
    rule = dst / "proximity" / "near-naval-base.yaml"
    rule.write_text(rule.read_text().replace("weight: 40", "weight: 90"))
    bri = dst / "text" / "bri-framing.yaml"
    bri.write_text(bri.read_text().replace("status: active\n", "") + "status: draft\n")


def test_impact_between_two_rule_directories(tmp_path: Path) -> None:
    head = tmp_path / "head"
    _heavier(FIXTURE_PACK, head)
    cases = str(FIXTURES / "cases")
    result = run("impact", cases, "--base", str(FIXTURE_PACK), "--head", str(head))
    assert result.exit_code == 0, result.output
    assert "port-city-concession:" in result.stdout and "- bri-framing" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("2 cases:")
    md = run(
        "impact", cases, "--base", str(FIXTURE_PACK), "--head", str(head), "--format", "markdown"
    )
    assert "| `port-city-concession` |" in md.stdout and "`bri-framing`" in md.stdout


def test_impact_against_a_git_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_PACK, repo / "rules")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "rules"], check=True)
    subprocess.run([*git, "commit", "-qm", "rules v1"], check=True)
    shutil.rmtree(repo / "rules")
    _heavier(FIXTURE_PACK, repo / "rules")
    monkeypatch.chdir(repo)
    result = run("impact", CASE, "--base", "HEAD", "--head", "rules", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"removed": [\n        "bri-framing"' in result.stdout
    missing = run("impact", CASE, "--base", "no-such-rev")
    assert (
        missing.exit_code == 2 and "neither a rule directory nor a git revision" in missing.stderr
    )


def test_impact_reports_a_case_that_fails_under_one_side(tmp_path: Path) -> None:
    head = tmp_path / "head"
    shutil.copytree(FIXTURE_PACK, head)
    vocab = head / "vocabulary.yaml"
    vocab.write_text(vocab.read_text().replace("  - {id: culture, label: Culture}\n", ""))
    result = run(
        "impact", str(FIXTURES / "cases"), "--base", str(FIXTURE_PACK), "--head", str(head)
    )
    assert result.exit_code == 2
    assert "! head:" in result.stdout and "unknown sector 'culture'" in result.stdout
    assert "- " not in result.stdout.split("quiet:")[1].split("\n")[1]  # nothing "removed"
    assert "1 not screened under both" in result.stdout or "with errors" in result.stdout


def test_explain_says_when_each_condition_holds_but_the_join_does_not(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    rule = pack / "compound" / "municipal-central-confidential.yaml"
    rule.write_text(
        rule.read_text(encoding="utf-8")
        .replace("      as: counterpart\n", "      as: counterpart\n      same: {document: city}\n")
        .replace(
            "    - text: {phrases: [confidentiality]}\n",
            "    - text: {phrases: [confidentiality]}\n      same: {party: city}\n",
        ),
        encoding="utf-8",
    )
    apart = str(FIXTURES / "joins" / "signed-apart.yaml")
    together = str(FIXTURES / "joins" / "signed-together.yaml")
    result = run("explain", apart, "municipal-central-confidential", "--rules", str(pack))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "did not fire" in lines[0]
    assert any("✓ party" in x and "same document as city" in x for x in lines)
    assert any("✗ joined: party counterpart: same document as city" in x for x in lines)
    fired = run("explain", together, "municipal-central-confidential", "--rules", str(pack))
    assert "FIRED" in fired.stdout.splitlines()[0]
    assert "✗ joined" not in fired.stdout


def test_explain_shows_the_best_candidate_of_a_party_that_matched_no_entity() -> None:
    case = str(Path(__file__).resolve().parents[2] / "cases" / "ashdod-wuhan-twinning.yaml")
    result = run("explain", case, "listed-entity")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "Wuhan Municipal" in x)
    assert "matched no entity: best candidate 'Shanghai Municipal People's Government'" in line
    assert line.rstrip().endswith("< 88")
