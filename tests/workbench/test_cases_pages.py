"""The case pages through Starlette's test client: upload, queue, decisions, waivers, dossier."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from screening.workbench import store
from screening.workbench.service import Workbench

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = Path(__file__).resolve().parents[2] / "cases"
HAIFA = CASES / "haifa-bay-port-sipg-concession.yaml"
FESTIVAL = CASES / "china-israel-cultural-festival.yaml"
Csrf = Callable[..., str]
Upload = Callable[..., int]


def test_an_uploaded_case_is_screened_stored_and_shown(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    row = upload(HAIFA)
    stored = workbench.db.execute(
        "SELECT case_id, band, path FROM cases WHERE case_row = ?", (row,)
    ).fetchone()
    assert stored["case_id"] == "haifa-bay-port-sipg-concession"
    assert stored["band"] == "critical"
    assert stored["path"].startswith(str(workbench.settings.uploads.resolve()))
    page = client.get(f"/cases/{row}").text
    assert "Haifa Bay Port operating concession" in page
    assert 'id="finding-near-military-site"' in page
    queue = client.get("/").text
    assert f'href="/cases/{row}"' in queue and "undecided" in queue


def test_a_broken_case_gets_its_located_error(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    response = client.post(
        "/screen",
        data={"csrf": csrf()},
        files={"file": ("mine.yaml", (FIXTURES / "broken-case.yaml").read_bytes())},
    )
    assert response.status_code == 422
    assert "mine.yaml:9:11: error: parties[0].kind: got &#39;compnay&#39;" in response.text
    assert str(workbench.settings.uploads) not in response.text  # the server's path stays hidden
    assert list(workbench.settings.uploads.iterdir()) == []  # nothing kept
    assert workbench.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_uploads_are_size_limited(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    limit = workbench.settings.max_upload
    just_over = b"#" * (limit + 1)
    response = client.post("/screen", data={"csrf": csrf()}, files={"file": ("a.yaml", just_over)})
    assert response.status_code == 422
    assert f"a.yaml: error: file is {limit + 1:,} bytes; the limit is {limit:,} bytes" in (
        response.text
    )
    far_over = b"#" * (limit + 1024 * 1024)  # refused before the body is read
    response = client.post("/screen", data={"csrf": csrf()}, files={"file": ("b.yaml", far_over)})
    assert response.status_code == 413
    assert f"limited to {limit:,} bytes" in response.text
    assert workbench.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_an_unknown_kind_of_file_is_refused(client: TestClient, csrf: Csrf, upload: Upload) -> None:
    response = client.post("/screen", data={"csrf": csrf()}, files={"file": ("x.exe", b"MZ")})
    assert response.status_code == 422
    assert "x.exe: error: unknown kind of file &#39;.exe&#39;" in response.text


def test_the_queue_filters(client: TestClient, csrf: Csrf, upload: Upload) -> None:
    haifa, festival = upload(HAIFA), upload(FESTIVAL)

    def rows(query: str) -> set[int]:
        return {int(n) for n in re.findall(r'href="/cases/(\d+)"', client.get("/?" + query).text)}

    assert rows("") == {haifa, festival}
    assert rows("band=critical") == {haifa}
    assert rows("rule=near-military-site") == {haifa}
    assert rows("jurisdiction=IL") == {haifa, festival}
    assert rows("jurisdiction=US") == set()
    assert rows("since=2000-01-01") == {haifa, festival}
    assert rows("until=2000-01-01") == set()
    assert rows("band=not-a-band") == {haifa, festival}  # ignored, never put in SQL
    token = csrf(f"/cases/{haifa}")
    client.post(
        f"/cases/{haifa}/decision",
        data={"csrf": token, "decision": "blocked", "reason": "next to the naval base"},
    )
    assert rows("decision=blocked") == {haifa}
    assert rows("decision=undecided") == {festival}


def test_decisions_and_waivers_reach_the_audit_trail_and_the_dossier(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    row = upload(HAIFA)
    token = csrf(f"/cases/{row}")
    base = f"/cases/{row}/findings"
    done = [
        client.post(f"{base}/near-military-site", data={"csrf": token, "action": "confirm"}),
        client.post(
            f"{base}/confidentiality-undertaking",
            data={
                "csrf": token,
                "action": "waive",
                "justification": "framing in a press release only",
                "expires": "2099-12-31",
                "scope": "case",
            },
        ),
        client.post(
            f"{base}/ports-and-logistics",
            data={"csrf": token, "action": "ask", "note": "who operates the terminal?"},
        ),
        client.post(
            f"/cases/{row}/decision",
            data={"csrf": token, "decision": "referred", "reason": "naval base next door"},
        ),
    ]
    assert [r.status_code for r in done] == [200, 200, 200, 200]  # after the 303s
    trail = store.history(workbench.db, "haifa-bay-port-sipg-concession")
    assert [(e.action, e.target) for e in reversed(trail)] == [
        ("confirm", "near-military-site"),
        ("waive", "confidentiality-undertaking"),
        ("ask", "ports-and-logistics"),
        ("decide", "case"),
    ]
    assert {e.who for e in trail} == {"a.reviewer"}
    assert {e.rules_digest for e in trail} == {workbench.pack.digest}
    waiver = trail[2].value
    assert waiver["rule_digest"].startswith("sha256:") and waiver["scope"] == "case"
    page = client.get(f"/cases/{row}").text
    assert 'id="after-waivers"' in page and "1 finding waived" in page
    assert "framing in a press release only" in page
    dossier = client.get(f"/cases/{row}/dossier")
    assert "framing in a press release only" in dossier.text
    assert "script-src" not in dossier.headers["content-security-policy"]
    assert "default-src 'none'" in dossier.headers["content-security-policy"]
    # a second decision keeps the first as its previous value
    client.post(
        f"/cases/{row}/decision",
        data={"csrf": token, "decision": "blocked", "reason": "advice received"},
    )
    latest = store.history(workbench.db, "haifa-bay-port-sipg-concession")[0]
    assert latest.previous == {"decision": "referred", "reason": "naval base next door"}


def test_a_waiver_needs_a_justification_and_a_future_expiry(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    row = upload(HAIFA)
    response = client.post(
        f"/cases/{row}/findings/confidentiality-undertaking",
        data={
            "csrf": csrf(f"/cases/{row}"),
            "action": "waive",
            "justification": "  ",
            "expires": "2001-01-01",
            "scope": "party",
            "party": "Nobody",
        },
    )
    assert response.status_code == 422
    assert "justification: a waiver needs a justification" in response.text
    assert "expires: 2001-01-01 is in the past" in response.text
    assert "party: name a party this finding" in response.text
    assert store.history(workbench.db) == []


def test_a_party_waiver_reaches_the_parties_other_cases(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    row = upload(HAIFA)
    result = json.loads(
        workbench.db.execute("SELECT result FROM cases WHERE case_row = ?", (row,)).fetchone()[0]
    )
    finding = next(
        f
        for f in result["findings"]
        if any(isinstance(ev.get("party_name"), str) for ev in f["evidence"])
    )
    party = next(ev["party_name"] for ev in finding["evidence"] if ev.get("party_name"))
    response = client.post(
        f"/cases/{row}/findings/{finding['rule_id']}",
        data={
            "csrf": csrf(f"/cases/{row}"),
            "action": "waive",
            "justification": "cleared by the committee",
            "expires": "2099-01-01",
            "scope": "party",
            "party": party,
        },
    )
    assert response.status_code == 200
    entry = store.states(workbench.db, "haifa-bay-port-sipg-concession")[finding["rule_id"]]
    assert entry.value["party"] == party
    assert store.active_party_waivers(workbench.db) == [entry]


def test_a_finding_the_screening_does_not_hold_is_not_found(
    client: TestClient, csrf: Csrf, upload: Upload
) -> None:
    row = upload(HAIFA)
    response = client.post(
        f"/cases/{row}/findings/no-such-rule",
        data={"csrf": csrf(f"/cases/{row}"), "action": "confirm"},
    )
    assert response.status_code == 404
    assert client.get("/cases/999999").status_code == 404


def test_a_proposal_document_is_drafted_by_intake_and_screened(
    client: TestClient, workbench: Workbench, csrf: Csrf, upload: Upload
) -> None:
    row = upload(FIXTURES / "proposal.md")
    stored = workbench.db.execute(
        "SELECT path, result FROM cases WHERE case_row = ?", (row,)
    ).fetchone()
    assert stored["path"].endswith("-proposal.md.draft.yaml")  # the draft is the case file
    notices = json.loads(stored["result"])["notices"]
    assert notices[0].startswith("screened a draft case drawn up automatically from proposal.md")
    page = client.get(f"/cases/{row}").text
    assert 'id="finding-near-military-site"' in page
    assert client.get(f"/cases/{row}/dossier").status_code == 200
