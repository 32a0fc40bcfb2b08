"""Rule editing: a bad edit is refused at its line, a good one runs its examples and its
impact on the stored cases, and saving writes the file, commits it and audits it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from screening.errors import Location
from screening.workbench import rule_edit, store
from screening.workbench.app import create_app
from screening.workbench.service import Workbench
from tests.workbench.conftest import copy_pack, form_token, make_workbench, upload_case

RULE = "belt-and-road/bri-framing.yaml"
CASES = Path(__file__).resolve().parents[2] / "cases"
ASHDOD = CASES / "ashdod-bri-framework-ndrc-icc-2018.yaml"


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def editing(tmp_path: Path) -> Iterator[tuple[TestClient, Workbench]]:
    """A workbench over its own copy of the rules, in a git repository of its own."""
    rules = copy_pack(tmp_path / "repo")
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "-c", "user.name=t", "-c", "user.email=t@t", "add", "rules")
    _git(tmp_path / "repo", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "rules")
    wb = make_workbench(tmp_path, rules)
    with TestClient(create_app(wb), base_url="http://127.0.0.1") as client:
        client.get("/")
        yield client, wb
    wb.close()


def _post(client: TestClient, text: str, action: str) -> str:
    response = client.post(
        "/rules/edit",
        data={"csrf": form_token(client, "/screen"), "file": RULE, "text": text, "action": action},
    )
    return f"{response.status_code}\n{response.text}"


def test_an_edit_is_checked_tried_and_saved(editing: tuple[TestClient, Workbench]) -> None:
    client, wb = editing
    row = upload_case(client, ASHDOD)
    path = wb.settings.rules / RULE
    original = path.read_text(encoding="utf-8")
    assert RULE in client.get("/rules").text
    assert "weight: 20" in client.get("/rules/edit", params={"file": RULE}).text

    broken = original.replace("weight: 20", "wieght: 20")
    page = _post(client, broken, "save")
    assert page.startswith("422")
    assert f"{RULE}:11:1: error: wieght: unknown key &#39;wieght&#39;" in page
    assert 'id="error-line-11"' in page  # the line is marked beside the text
    assert path.read_text(encoding="utf-8") == original  # not saved

    fixed = original.replace("weight: 20", "weight: 60")
    page = _post(client, fixed, "check")
    assert page.startswith("200")
    assert 'id="check-ok"' in page
    assert re.search(r'class="example pass"><b>pass</b> bri-framing\[0\] fire', page)
    summary = re.search(r'<p id="impact-summary">([^<]+)', page)
    assert summary is not None and summary.group(1).startswith("1 cases:")
    assert "ashdod-bri-framework-ndrc-icc-2018" in page  # its score moved
    assert path.read_text(encoding="utf-8") == original  # a check never writes

    saved = client.post(
        "/rules/edit",
        data={"csrf": form_token(client), "file": RULE, "text": fixed, "action": "save"},
    )
    assert saved.status_code == 200 and 'id="saved"' in saved.text
    assert path.read_text(encoding="utf-8") == fixed
    log = _git(wb.settings.rules, "log", "--format=%s", "-1")
    assert log.strip() == "Rule bri-framing: edited in the workbench by a.reviewer"
    assert _git(wb.settings.rules, "status", "--porcelain", "--", ".").strip() == ""
    (entry,) = [e for e in store.history(wb.db) if e.subject == "rule"]
    assert entry.target == RULE and entry.who == "a.reviewer"
    assert entry.previous == {"sha256": rule_edit.sha256(original), "text": original}
    assert entry.value["text"] == fixed and entry.value["commit"]
    assert entry.value["rules_digest_after"] == wb.pack.digest != entry.rules_digest
    assert wb.pack.rule("bri-framing").rule.weight == 60  # type: ignore[union-attr]
    assert row  # the stored case was there to measure the impact on


def test_saving_outside_git_writes_and_says_so(tmp_path: Path) -> None:
    rules = copy_pack(tmp_path)
    original = (rules / RULE).read_text(encoding="utf-8")
    edited = original.replace("weight: 20", "weight: 25")
    saved = rule_edit.save(rules, RULE, edited, "a.reviewer", ["bri-framing"])
    assert saved.commit is None
    assert saved.git_note == "not committed: the rule folder is not in a git repository"
    assert (rules / RULE).read_text(encoding="utf-8") == edited
    assert saved.previous_sha256 == rule_edit.sha256(original)


def test_a_trial_never_touches_the_rule_folder(tmp_path: Path) -> None:
    rules = copy_pack(tmp_path)
    before = sorted(p.relative_to(rules) for p in rules.rglob("*"))
    problems = rule_edit.check_text(rules, RULE, "id: [unclosed\n")
    assert problems[0].location == Location(RULE, 2, 1)  # where the parser gave up
    assert problems[0].code == "yaml" and "malformed YAML" in problems[0].message
    assert sorted(p.relative_to(rules) for p in rules.rglob("*")) == before


def test_an_edit_whose_examples_fail_is_not_saved(editing: tuple[TestClient, Workbench]) -> None:
    client, wb = editing
    path = wb.settings.rules / RULE
    original = path.read_text(encoding="utf-8")
    # only in tenders: the examples (an MOU, a press release) no longer fire
    quiet = original.replace(
        "phrases: [belt-and-road]}", "phrases: [belt-and-road], document_kinds: [tender]}"
    )
    page = _post(client, quiet, "save")
    assert page.startswith("422"), page[:3000]
    assert 'id="not-saved"' in page and "of the rule fail" in page
    assert 'class="example fail"' in page
    assert path.read_text(encoding="utf-8") == original
    assert [e for e in store.history(wb.db) if e.subject == "rule"] == []
