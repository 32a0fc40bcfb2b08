"""End-to-end: the `screening` command on real case and rule files."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from tests.conftest import FIXTURE_PACK, FIXTURES, ROOT

CASE = str(FIXTURES / "cases" / "port-city-concession.yaml")
RULES = ["--rules", str(FIXTURE_PACK)]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_screen_text_shows_score_band_and_explained_findings() -> None:
    code, out, _ = invoke("screen", CASE, *RULES)
    assert code == 0
    assert "CRITICAL" in out and "/ 100" in out
    assert "municipal-central-confidential" in out
    assert "0.11 km from Test Naval Base" in out
    assert "why" in out and "route" in out


def test_screen_json_has_contributions_evidence_and_provenance() -> None:
    code, out, _ = invoke("screen", CASE, *RULES, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["band"] == "critical" and 0 <= data["score"] <= 100
    counted = [f["contribution"] for f in data["findings"] if f["counted"]]
    assert counted == sorted(counted, reverse=True)
    assert abs(sum(f["contribution"] for f in data["findings"]) - data["score"]) < 0.1
    text = next(e for f in data["findings"] for e in f["evidence"] if e["kind"] == "text")
    assert text["document"] == "mou" and text["end"] > text["start"]
    ownership = next(e for f in data["findings"] for e in f["evidence"] if e["kind"] == "ownership")
    assert ownership["state_share"] == 60.0 and "(60%)" in ownership["path_text"]
    prov = data["provenance"]
    assert len(prov["rules_digest"]) == 64 and len(prov["case_digest"]) == 64


def test_screen_markdown_is_a_memo_section() -> None:
    code, out, _ = invoke("screen", CASE, *RULES, "--format", "markdown")
    assert code == 0
    assert out.startswith("## Screening: Port City quay concession")
    assert "**Recommendation:**" in out and "| # | contribution |" in out


def test_fail_on_gates_by_band() -> None:
    assert invoke("screen", CASE, *RULES, "--fail-on", "high")[0] == 1
    quiet = FIXTURES / "cases" / "quiet.yaml"
    assert invoke("screen", str(quiet), *RULES, "--fail-on", "medium")[0] == 0


def test_bad_case_is_one_located_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\njurisdiction: XX\nparties: 3\nparties: 4\n")
    code, out, err = invoke("screen", str(bad), CASE, *RULES)
    assert code == 2
    assert f"{bad}:5:1: error: duplicate key 'parties' (first at line 4) [yaml]" in err
    assert "Traceback" not in err
    assert "port-city-concession" in out  # the good case was still screened


def test_missing_case_and_missing_rules() -> None:
    code, _, err = invoke("screen", "nope.yaml", *RULES)
    assert code == 2 and err.strip() == "nope.yaml: error: no such file [io]"
    code, _, err = invoke("screen", CASE, "--rules", "no-such-dir")
    assert code == 2 and "no such rule directory" in err


def test_out_file(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    assert invoke("screen", CASE, *RULES, "--format", "markdown", "--out", str(out))[0] == 0
    assert out.read_text().startswith("## Screening")


@pytest.mark.parametrize("what", ["case", "rule", "result"])
def test_schema(what: str) -> None:
    code, out, _ = invoke("schema", what)
    assert code == 0
    assert json.loads(out)["title"] == f"screening {what}"


@pytest.mark.parametrize("what", ["case", "rule", "result"])
def test_committed_schemas_are_current(what: str) -> None:
    """Editors validate case and rule files against docs/schemas; keep them in step."""
    from screening.schemas import json_schema

    committed = ROOT / "docs" / "schemas" / f"{what}.schema.json"
    assert json.loads(committed.read_text()) == json_schema(what), (
        f"docs/schemas/{what}.schema.json is stale: run "
        f"`screening schema {what} > docs/schemas/{what}.schema.json`"
    )


def test_screen_html_to_a_file_and_to_a_folder(tmp_path: Path) -> None:
    page = tmp_path / "dossier.html"
    assert invoke("screen", CASE, *RULES, "--format", "html", "--out", str(page))[0] == 0
    assert "<svg" in page.read_text() and "Port City quay concession" in page.read_text()
    quiet = str(FIXTURES / "cases" / "quiet.yaml")
    code, _, _ = invoke("screen", CASE, quiet, *RULES, "--format", "html", "--out", str(tmp_path))
    assert code == 0
    assert (tmp_path / "port-city-concession.html").is_file() and (
        tmp_path / "quiet.html"
    ).is_file()
    code, _, err = invoke("screen", CASE, quiet, *RULES, "--format", "html")
    assert code == 2 and "give --out an existing folder" in err


def test_two_cases_with_one_id_get_two_pages(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(Path(CASE).read_text())
    out = tmp_path / "pages"
    code, _, _ = invoke("screen", CASE, str(copy), *RULES, "--format", "html", "--out", f"{out}/")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "port-city-concession-2.html",
        "port-city-concession.html",
    ]


def test_control_characters_in_case_text_never_reach_the_terminal(tmp_path: Path) -> None:
    case = tmp_path / "esc.yaml"
    case.write_text(
        Path(CASE)
        .read_text()
        .replace(
            "title: Port City quay concession (synthetic)",
            'title: "Port \\e[31mCity\\e]8;;http://x\\a quay"',
        )
    )
    code, out, _ = invoke("screen", str(case), *RULES)
    assert code == 0 and "\x1b" not in out and "\x07" not in out


def test_empty_folder_and_unknown_rule_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = invoke(
        "batch", str(empty), *RULES, "--out", str(tmp_path / "r.jsonl"), "-j", "1"
    )
    assert code == 2 and "no case files (*.yaml, *.yml) in this folder" in err
    code, _, err = invoke("rules", "test", str(FIXTURE_PACK), "--rule", "nope")
    assert code == 2 and "unknown rule 'nope'" in err


def test_screen_names_the_bodies_of_the_cases_own_jurisdiction() -> None:
    code, out, _ = invoke("screen", CASE, *RULES, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["jurisdiction"] == "XX"
    bodies = {r["body_id"] for f in data["findings"] for r in f["routes"]}
    assert bodies and bodies <= {"xx-screening", "xx-defence", "xx-foreign", "xx-ports"}
    assert any(a.startswith("Filing may be mandatory: Testland") for a in data["recommendations"])
