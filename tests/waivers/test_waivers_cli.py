"""`screen --waivers`, `batch --waivers` and `screening waivers` on real files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from screening.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_PACK = FIXTURES / "pack"
CASE = str(FIXTURES / "cases" / "port-city-concession.yaml")
RULES = ["--rules", str(FIXTURE_PACK)]
WAIVERS = str(FIXTURES / "waivers" / "port-city.yaml")
BAD = str(FIXTURES / "waivers" / "bad" / "unknown-key.yaml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_screen_json_sets_waived_findings_apart_and_lowers_the_score() -> None:
    _, plain, _ = invoke("screen", CASE, *RULES, "--format", "json")
    code, out, _ = invoke("screen", CASE, *RULES, "--format", "json", "--waivers", WAIVERS)
    assert code == 0
    before, after = json.loads(plain), json.loads(out)
    assert after["score"] < before["score"]
    assert [w["finding"]["rule_id"] for w in after["waived"]] == ["near-naval-base", "state-share"]
    assert "near-naval-base" not in {f["rule_id"] for f in after["findings"]}
    reasons = {n["rule_id"]: n["reason"] for n in after["waiver_notes"]}
    assert reasons == {
        "bri-framing": "expired",
        "confidential": "rule-changed",
        "retired-rule": "rule-removed",
    }


def test_text_markdown_and_html_show_the_waiver_and_the_notes(tmp_path: Path) -> None:
    code, text, _ = invoke("screen", CASE, *RULES, "--waivers", WAIVERS)
    assert code == 0
    assert "waived: near-naval-base" in text and "decommissioned in 2023" in text
    assert "by a.reviewer on 2026-11-30, until 2099-12-31" in text
    assert "waiver of bri-framing no longer applies: expired on 2020-01-01" in text
    _, md, _ = invoke("screen", CASE, *RULES, "--format", "markdown", "--waivers", WAIVERS)
    assert "### Waived findings (not counted)" in md
    assert "waived for party Pan Harbour Subsidiary Co., Ltd. by b.reviewer" in md
    assert "rule 'confidential' changed since the waiver was granted" in md
    page = tmp_path / "case.html"
    code, _, _ = invoke(
        "screen", CASE, *RULES, "--format", "html", "--out", str(page), "--waivers", WAIVERS
    )
    html = page.read_text(encoding="utf-8")
    assert code == 0 and html.count('class="waived-finding"') == 2
    assert html.count("waiver-note") == 3 and "retired-rule" in html


def test_a_bad_waivers_file_is_a_located_error_before_screening() -> None:
    code, out, err = invoke("screen", CASE, *RULES, "--waivers", BAD)
    assert code == 2 and out == ""
    assert "unknown-key.yaml:6:5: error: waivers[0].expiry: unknown key 'expiry'" in err
    assert "Traceback" not in err


def test_batch_applies_waivers_in_its_workers(tmp_path: Path) -> None:
    db = tmp_path / "results.sqlite"
    cases = str(FIXTURES / "cases")
    code, _, _ = invoke(
        "batch", cases, *RULES, "--jobs", "2", "--out", str(db), "--waivers", WAIVERS
    )
    assert code == 0
    with sqlite3.connect(db) as con:
        score, result = con.execute(
            "SELECT score, result FROM cases WHERE case_id = 'port-city-concession'"
        ).fetchone()
        rules = {r for (r,) in con.execute("SELECT rule_id FROM findings")}
    data = json.loads(result)
    assert {w["finding"]["rule_id"] for w in data["waived"]} == {"near-naval-base", "state-share"}
    assert score == data["score"] and "near-naval-base" not in rules


def test_a_results_database_is_never_resumed_under_other_waivers(tmp_path: Path) -> None:
    """A resumed run skips stored cases: under other waivers their results would not agree."""
    db = tmp_path / "results.sqlite"
    base = ["batch", CASE, *RULES, "--jobs", "1", "--out", str(db)]
    assert invoke(*base)[0] == 0
    assert invoke(*base)[0] == 0  # the same (no) waivers: resumes, nothing screened again
    code, _, err = invoke(*base, "--waivers", WAIVERS)
    assert code == 2
    assert f"{db.name}: error: holds cases screened with these rules under other waivers" in err
    assert "write it to a new results file [io]" in err
    waived = tmp_path / "waived.sqlite"
    with_waivers = ["batch", CASE, *RULES, "--jobs", "1", "--out", str(waived), "--waivers"]
    assert invoke(*with_waivers, WAIVERS)[0] == 0
    assert invoke(*with_waivers, WAIVERS)[0] == 0  # the same waivers, the same day
    code, _, err = invoke("batch", CASE, *RULES, "--jobs", "1", "--out", str(waived))
    assert code == 2 and "under waivers, and this run has none" in err
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert (runs, cases) == (2, 1)  # the refused run left no trace


def test_batch_refuses_a_bad_waivers_file_before_any_work(tmp_path: Path) -> None:
    db = tmp_path / "results.sqlite"
    code, _, err = invoke("batch", CASE, *RULES, "--out", str(db), "--waivers", BAD)
    assert code == 2 and "unknown-key.yaml:6:5: error:" in err
    assert not db.exists()


def test_waivers_digest_and_check() -> None:
    code, out, _ = invoke("waivers", "digest", *RULES, "near-naval-base")
    assert code == 0
    assert out.split() == [
        "near-naval-base",
        "sha256:be00519483215c145666d6c810d8cd0b6de3e3fd45384dc67775bb57dd4c0201",
    ]
    code, _, err = invoke("waivers", "digest", *RULES, "no-such-rule")
    assert code == 2 and "no-such-rule: error: no such rule" in err
    code, out, _ = invoke("waivers", "check", *RULES, WAIVERS)
    assert code == 1
    assert "waivers[0] near-naval-base (case port-city-concession): applies" in out
    assert "waivers[4] retired-rule (case port-city-concession): rule-removed" in out
    assert out.rstrip().endswith("6 waivers, 4 no longer apply")
