"""`screening rules validate|test|list|show|catalogue` on real rule files."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screening.catalogue import render_catalogue
from screening.checks import load_rule_pack
from screening.cli import cli
from screening.errors import display_path
from tests.conftest import FIXTURE_PACK, FIXTURES, REAL_PACK, ROOT
from tests.loading.test_rulepack import BROKEN, EXPECTED


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, copy)
    return copy


def test_validate_the_bundled_pack_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_SOURCES", raising=False)
    result = run("rules", "validate", str(REAL_PACK))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "ok: 63 rules checked, no problems; quotes not checked against the source documents "
        "(give --sources FOLDER or set $SCREENING_SOURCES)"
    )


def test_validate_says_when_quotes_were_checked(
    pack_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCREENING_SOURCES", raising=False)
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("001_72ef6fee74ac8d77.txt", "004_c294e7ad62147aa9.txt"):
        (sources / name).write_text("nothing quoted here")
    problems = run("rules", "validate", str(pack_copy), "--sources", str(sources))
    assert "quotes not checked" not in problems.stdout
    broken = run("rules", "validate", str(BROKEN))
    last = broken.stdout.splitlines()[-1]
    assert last.endswith(
        " files; quotes not checked against the source documents "
        "(give --sources FOLDER or set $SCREENING_SOURCES)"
    )


def test_validate_reports_every_error_of_the_broken_pack_with_its_line() -> None:
    result = run("rules", "validate", str(BROKEN))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    for name, line, column, text in EXPECTED:
        assert any(f"{name}:{line}:{column}: error: " in x and text in x for x in lines), text
    assert lines[-1].startswith(f"{len(EXPECTED)} errors")


def test_validate_one_file_reports_only_that_file() -> None:
    result = run("rules", "validate", str(BROKEN / "r" / "typo.yaml"))
    assert result.exit_code == 2
    assert all("typo.yaml" in x for x in result.stdout.splitlines()[:-1])


def test_warnings_fail_only_when_strict(pack_copy: Path) -> None:
    rule = pack_copy / "party" / "municipal-signatory.yaml"
    text = rule.read_text()
    rule.write_text(text[: text.index("  - expect: quiet")])
    relaxed = run("rules", "validate", str(pack_copy))
    assert relaxed.exit_code == 0
    assert "warning: municipal-signatory: no near-miss example" in relaxed.stdout
    assert run("rules", "validate", "--strict", str(pack_copy)).exit_code == 2


def test_validate_checks_quotes_against_the_sources(pack_copy: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "004_c294e7ad62147aa9.txt").write_text("Only this sentence is here.")
    result = run("rules", "validate", str(pack_copy), "--sources", str(sources))
    assert result.exit_code == 2
    assert "quote not found verbatim in 004_c294e7ad62147aa9.txt" in result.stdout
    assert "no document '001_72ef6fee74ac8d77.txt'" in result.stdout


def test_rules_test_passes_fails_and_tracks_known_gaps(pack_copy: Path) -> None:
    ok = run("rules", "test", str(pack_copy))
    assert ok.exit_code == 0 and ok.stdout.splitlines()[-1] == "28 passed, 0 failed"
    rule = pack_copy / "text" / "confidential.yaml"
    broken = rule.read_text().replace("no confidentiality clause", "a confidentiality clause")
    rule.write_text(broken)
    bad = run("rules", "test", str(pack_copy))
    assert bad.exit_code == 1
    assert "✗ confidential[1] quiet" in bad.stdout and "it fired" in bad.stdout
    assert bad.stdout.splitlines()[-1] == "27 passed, 1 failed"
    rule.write_text(
        broken.replace("  - expect: quiet\n", "  - expect: quiet\n    known_gap: true\n")
    )
    gap = run("rules", "test", str(pack_copy))
    assert gap.exit_code == 0 and "known gaps: 1 still open, 0 fixed" in gap.stdout


def test_rules_list_and_show() -> None:
    listed = run("rules", "list", "--rules", str(FIXTURE_PACK))
    assert listed.exit_code == 0 and "near-naval-base" in listed.stdout
    shown = run(
        "rules",
        "show",
        "near-naval-base",
        "--rules",
        str(FIXTURE_PACK),
        "--cases",
        str(FIXTURES / "cases"),
    )
    assert shown.exit_code == 0
    assert "next to a strategic facility" in shown.stdout
    assert "fires on 1 case(s)" in shown.stdout and "port-city-concession" in shown.stdout
    unknown = run("rules", "show", "nope", "--rules", str(FIXTURE_PACK))
    assert unknown.exit_code == 2 and "unknown rule 'nope'" in unknown.stderr


def test_the_committed_catalogue_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_catalogue(load_rule_pack(REAL_PACK)), (
        "docs/rules.md is stale: run `screening rules catalogue --out docs/rules.md`"
    )


def test_catalogue_check_flags_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "rules.md"
    assert run("rules", "catalogue", "--rules", str(FIXTURE_PACK), "--out", str(out)).exit_code == 0
    assert "### near-naval-base" in out.read_text()
    check = ["rules", "catalogue", "--rules", str(FIXTURE_PACK), "--out", str(out), "--check"]
    assert run(*check).exit_code == 0
    out.write_text(out.read_text() + "hand edit\n")
    assert run(*check).exit_code == 1


def test_copied_rules_still_find_the_bundled_example_cases(tmp_path: Path) -> None:
    """Rules copied out of the repository refer to `../../cases/…`, which is not beside them."""
    mine = tmp_path / "mine"
    shutil.copytree(REAL_PACK, mine)
    rule = "twinning-used-for-deal"
    ok = run("rules", "test", str(mine), "--rule", rule)
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[-1].endswith(" passed, 0 failed")
    path = mine / "subnational-diplomacy" / f"{rule}.yaml"
    text = path.read_text(encoding="utf-8")
    old = "../../cases/haifa-bay-port-sipg-concession.yaml"
    assert old in text
    path.write_text(text.replace(old, "../../cases/no-such-case.yaml"), encoding="utf-8")
    beside, bundled = tmp_path / "cases" / "no-such-case.yaml", ROOT / "cases" / "no-such-case.yaml"
    looked = (
        "example case file '../../cases/no-such-case.yaml' not found "
        f"(looked for {display_path(beside.resolve())} or {display_path(bundled)})"
    )
    bad = run("rules", "test", str(mine), "--rule", rule)
    assert bad.exit_code == 1 and looked in bad.stdout
    checked = run("rules", "validate", str(mine))
    assert checked.exit_code == 2 and f"error: {rule}: {looked} [rule-example]" in checked.stdout
