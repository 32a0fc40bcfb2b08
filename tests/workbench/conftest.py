"""Workbenches over a copy of the real rule pack and a fresh results database per test.

The rule pack is copied once per session (editing tests copy it again for themselves) with
the bundled cases beside it, so rule examples that name `../../cases/…` find their files.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from screening.checks import load_rule_pack
from screening.pipeline.screen import Screener
from screening.workbench.app import create_app
from screening.workbench.service import Settings, Workbench

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REAL_PACK = ROOT / "rules"
FIXTURES = HERE / "fixtures"
CASES = ROOT / "cases"
HAIFA = CASES / "haifa-bay-port-sipg-concession.yaml"
FESTIVAL = CASES / "china-israel-cultural-festival.yaml"


def copy_pack(folder: Path) -> Path:
    """A copy of the real rules at folder/rules, with the bundled cases at folder/cases."""
    rules = folder / "rules"
    shutil.copytree(REAL_PACK, rules)
    (folder / "cases").symlink_to(CASES)
    return rules


@pytest.fixture(scope="session")
def session_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_pack(tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="session")
def session_screener(session_rules: Path) -> Iterator[Screener]:
    s = Screener(load_rule_pack(session_rules))
    yield s
    s.close()


def make_workbench(
    tmp_path: Path, rules: Path, screener: Screener | None = None, **extra: object
) -> Workbench:
    settings = Settings(
        db=tmp_path / "results.sqlite",
        rules=rules,
        uploads=tmp_path / "uploads",
        user="a.reviewer",
        **extra,  # type: ignore[arg-type]
    )
    return Workbench(settings, screener=screener)


@pytest.fixture
def workbench(
    tmp_path: Path, session_rules: Path, session_screener: Screener
) -> Iterator[Workbench]:
    wb = make_workbench(tmp_path, session_rules, session_screener)
    yield wb
    wb.db.close()  # the session's screener stays open for the next test


@pytest.fixture
def client(workbench: Workbench) -> Iterator[TestClient]:
    with TestClient(create_app(workbench), base_url="http://127.0.0.1") as c:
        c.get("/")  # the CSRF cookie
        yield c


Csrf = Callable[..., str]
Upload = Callable[..., int]


@pytest.fixture
def csrf(client: TestClient) -> Csrf:
    return lambda url="/": form_token(client, url)


@pytest.fixture
def upload(client: TestClient) -> Upload:
    return lambda path, name=None: upload_case(client, path, name)


def form_token(client: TestClient, url: str = "/") -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(url).text)
    if found is None:
        found = re.search(r'name="csrf" value="([^"]+)"', client.get("/screen").text)
    assert found is not None
    return found.group(1)


def upload_case(client: TestClient, path: Path, name: str | None = None) -> int:
    """Upload a case file through the form; the stored row it redirects to."""
    response = client.post(
        "/screen",
        data={"csrf": form_token(client, "/screen")},
        files={"file": (name or path.name, path.read_bytes(), "application/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[-2000:]
    location = response.headers["location"]
    assert location.startswith("/cases/")
    return int(location.rsplit("/", 1)[1])
