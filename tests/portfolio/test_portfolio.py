"""The portfolio: ties and agreements from a results database, cross-case findings, SVG."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.loading.rulepack import RulePack
from screening.portfolio import Filters, Portfolio, graph_svg, map_svg, portfolio

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portfolio")
    cases = folder / "cases"
    shutil.copytree(FIXTURES / "portfolio", cases)
    for name in ("port-city-concession.yaml", "quiet.yaml"):
        shutil.copy(FIXTURES / "cases" / name, cases)
    db = folder / "results.sqlite"
    rules = str(FIXTURES / "pack")
    code, _, err = invoke("batch", str(cases), "--rules", rules, "-j", "1", "--out", str(db))
    assert code == 0, err
    return db


def test_the_graph_holds_cases_parties_places_and_links(database: Path, pack: RulePack) -> None:
    p = portfolio(database, pack)
    assert len(p.of_kind("case")) == 4 and p.problems == []
    kinds = {e.kind for e in p.edges}
    assert kinds == {"party_of", "site_of", "agreement", "holds", "owned_by", "near"}
    agreements = {
        (p.nodes[e.source].label, p.nodes[e.target].label, e.case_id)
        for e in p.edges
        if e.kind == "agreement"
    }
    assert ("Port City Municipality", "Test State Assets Commission", "port-city-concession") in (
        agreements
    )
    holds = [e for e in p.edges if e.kind == "holds"]
    assert {(p.nodes[e.source].label, p.nodes[e.target].label, e.label) for e in holds} == {
        ("Harbour Test Engineering Group", "Quay Road Warehouse", "lease"),
        ("Northwind Freight Co., Ltd.", "Lakeside Depot", "operator"),
    }
    # the subsidiary and the group lead, by registry ownership, to the state commission
    owned = {p.nodes[e.source].label: p.nodes[e.target].id for e in p.edges if e.kind == "owned_by"}
    assert owned == {
        "Pan Harbour Subsidiary Co., Ltd.": "group:test-state-commission",
        "Harbour Test Engineering Group": "group:test-state-commission",
    }
    quay = p.nodes["site:north quay"]
    assert (quay.lat, quay.lon) == (10.01, 10.0)  # placed by the gazetteer (Portville)


def test_one_group_in_several_cases_in_one_place_is_a_finding(
    database: Path, pack: RulePack
) -> None:
    findings = portfolio(database, pack).findings
    assert {(f.kind, f.where_name, f.cases) for f in findings} == {
        ("municipality", "Port City Municipality", ("port-city-concession", "port-city-logistics")),
        ("strategic_site", "Test Naval Base", ("port-city-concession", "port-city-logistics")),
    }
    assert all(f.group_name == "Test State Assets Commission" for f in findings)
    assert "is in 2 cases in Port City Municipality" in findings[0].message or (
        "is in 2 cases in Port City Municipality" in findings[1].message
    )


@pytest.mark.parametrize(
    ("filters", "cases"),
    [
        (Filters(municipality="lakeside"), {"northwind-depot"}),
        (Filters(foreign_body="state assets"), {"port-city-concession", "port-city-logistics"}),
        (Filters(since="2025"), {"port-city-logistics", "northwind-depot", "quiet"}),
        (Filters(until="2024-03"), {"port-city-concession"}),
    ],
)
def test_filters(database: Path, pack: RulePack, filters: Filters, cases: set[str]) -> None:
    p = portfolio(database, pack, filters)
    assert {n.id.removeprefix("case:") for n in p.of_kind("case")} == cases


def test_a_single_case_in_a_place_is_no_finding(database: Path, pack: RulePack) -> None:
    assert portfolio(database, pack, Filters(until="2024-12")).findings == []


def _svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert not any(el.tag.endswith("script") or "href" in el.attrib for el in root.iter())
    return root


def test_graph_svg_is_self_contained_with_every_node(database: Path, pack: RulePack) -> None:
    p = portfolio(database, pack)
    root = _svg(graph_svg(p))
    nodes = [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "")]
    assert len(nodes) == len(p.nodes)
    edges = [e for e in root.iter(f"{SVG}path") if "edge" in e.get("class", "")]
    assert len(edges) == len(p.edges)


def test_map_svg_projects_east_right_and_north_up(database: Path, pack: RulePack) -> None:
    p = portfolio(database, pack)
    root = _svg(map_svg(p))
    where = {}
    for g in root.iter(f"{SVG}g"):
        shape = g.find(f"{SVG}circle")
        title = g.find(f"{SVG}title")
        if shape is not None and title is not None:
            where[(title.text or "").split(" (")[0]] = (
                float(shape.get("cx", 0)),
                float(shape.get("cy", 0)),
            )
    assert set(where) == {"North Quay", "Quay Road Warehouse", "Lakeside Depot"}
    assert where["Lakeside Depot"][0] > where["North Quay"][0]  # 14.0 E is east of 10.0 E
    assert where["Lakeside Depot"][1] < where["North Quay"][1]  # 12.5 N is north of 10.01 N
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("width") == "10"]) == 1  # facility


def test_case_text_is_escaped_in_both_pictures(tmp_path: Path, pack: RulePack) -> None:
    hostile = (FIXTURES / "portfolio" / "northwind-depot.yaml").read_text()
    hostile = hostile.replace("name: Lakeside Depot", 'name: "<script>alert(1)</script> & Depot"')
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "hostile.yaml").write_text(hostile)
    db = tmp_path / "r.sqlite"
    invoke("batch", str(tmp_path / "c"), "--rules", str(FIXTURES / "pack"), "--out", str(db))
    p: Portfolio = portfolio(db, pack)
    for text in (graph_svg(p), map_svg(p)):
        assert "<script" not in text and "&lt;script&gt;" in text
        _svg(text)


def test_cli_json_graph_and_map(database: Path, tmp_path: Path) -> None:
    graph, geo = tmp_path / "g.svg", tmp_path / "m.svg"
    rules = str(FIXTURES / "pack")
    code, out, _ = invoke(
        "portfolio", str(database), "--rules", rules, "--format", "json", "--graph", str(graph),
        "--map", str(geo),
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert {"nodes", "edges", "findings"} <= set(data)
    assert (
        len(data["findings"]) == 2 and data["findings"][0]["group"] == "group:test-state-commission"
    )
    _svg(graph.read_text())
    _svg(geo.read_text())
    code, out, _ = invoke("portfolio", str(database), "--rules", rules, "--format", "markdown")
    assert code == 0 and "### Portfolio findings" in out and "### Ties and agreements" in out


def test_cli_errors_are_located(database: Path, tmp_path: Path) -> None:
    rules = str(FIXTURES / "pack")
    code, _, err = invoke("portfolio", str(database), "--rules", rules, "--since", "last year")
    assert code == 2 and "expected YYYY, YYYY-MM or YYYY-MM-DD" in err
    code, out, err = invoke("portfolio", str(tmp_path / "none.sqlite"), "--rules", rules)
    assert code == 2 and out == "" and "none.sqlite: error: no such results database" in err


def test_a_group_met_as_a_party_and_as_an_owner_is_one_group() -> None:
    """Entity X is a party of case a, and the owner of case b's party: one group, two cases."""
    from screening.portfolio import Edge, Node
    from screening.portfolio.signals import cross_case_findings

    p = Portfolio("test")
    for node in (
        Node("case:a", "case", "A", "XX"),
        Node("case:b", "case", "B", "XX"),
        Node("party:town", "municipality", "Town", "XX"),
        Node("party:entity:x", "foreign_body", "X Commission", "YY"),
        Node("party:entity:y", "company", "Y Ltd", "YY"),
        Node("group:x", "group", "X Commission", "YY"),
    ):
        p.add_node(node)
    for edge in (
        Edge("case:a", "party:town", "party_of", case_id="a"),
        Edge("case:a", "party:entity:x", "party_of", case_id="a"),
        Edge("case:b", "party:town", "party_of", case_id="b"),
        Edge("case:b", "party:entity:y", "party_of", case_id="b"),
        Edge("party:entity:y", "group:x", "owned_by", case_id="b"),
    ):
        p.add_edge(edge)
    (finding,) = cross_case_findings(p)
    assert (finding.group, finding.where, finding.cases) == ("group:x", "party:town", ("a", "b"))
    assert finding.message.startswith("X Commission (a party, or by registry ownership) is in 2")
