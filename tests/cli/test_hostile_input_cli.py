"""Hostile and malformed inputs: one located line each and exit 2, never an internal error.

Each reproducer of the hardening issue: nesting 500 deep, bad explicit tags, a billion
laughs (in a case and in a rule file), a phrase set whose `phrases` is not a list, and a
rule example whose case path the file system refuses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screening.cli import cli
from tests.conftest import FIXTURE_PACK, FIXTURES

HOSTILE = FIXTURES / "hostile"
RULES = ["--rules", str(FIXTURE_PACK)]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def assert_refused(result: Result, *expected: str) -> list[str]:
    """Exit 2, no exception escaped, and each expected text on an error line of its own."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    for text in expected:
        assert any(text in line for line in lines), (text, result.output)
    return lines


def test_the_issue_reproducer_nesting_500_deep_through_the_real_entry_point(
    tmp_path: Path,
) -> None:
    deep = tmp_path / "d.yaml"
    deep.write_text("id: x\ntitle: t\njurisdiction: IL\nsummary: " + "[" * 500 + "]" * 500 + "\n")
    done = subprocess.run(
        [sys.executable, "-c", "from screening.cli import main; main()", "screen", str(deep)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "d.yaml:4:109: error: nesting too deep (501 > 100 levels) [yaml]"


def test_nesting_500_deep_fixture() -> None:
    result = run("screen", str(HOSTILE / "deep-nesting.yaml"), *RULES)
    lines = assert_refused(result, "deep-nesting.yaml:4:109: error: nesting too deep (501 > 100")
    assert len(lines) == 1


def test_bad_tags_each_get_a_located_line() -> None:
    result = run("screen", str(HOSTILE / "bad-tags.yaml"), *RULES)
    lines = assert_refused(
        result,
        "bad-tags.yaml:2:8: error: 'maybe' is not valid after '!!bool'; expected true or false",
        "bad-tags.yaml:4:10: error: 'bad' is not valid after '!!timestamp'",
        "bad-tags.yaml:5:10: error: unsupported tag '!!set' on a mapping",
        "bad-tags.yaml:6:8: error: unsupported tag '!!python/object/apply:os.system' on a list",
    )
    assert len(lines) == 4


def test_an_alias_loop_is_located() -> None:
    result = run("screen", str(HOSTILE / "alias-loop.yaml"), *RULES)
    assert_refused(result, "alias-loop.yaml:4:30: error: alias '*t' inside its own anchor")


def test_billion_laughs_case_is_refused_in_bounded_time() -> None:
    started = time.perf_counter()
    result = run("screen", str(HOSTILE / "billion-laughs.yaml"), *RULES)
    elapsed = time.perf_counter() - started
    assert_refused(
        result, "billion-laughs.yaml:10:8: error: aliases expand to too many nodes (141,148 >"
    )
    assert elapsed < 10  # loading the fixture pack dominates; the file itself is refused at once


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, copy)
    return copy


def test_billion_laughs_in_a_rule_file(pack_copy: Path) -> None:
    rule = pack_copy / "field" / "port-concession.yaml"
    bomb = (HOSTILE / "billion-laughs.yaml").read_text().split("jurisdiction: XX\n")[1]
    rule.write_text(
        rule.read_text() + "x-laughs:\n" + "".join(f"  {line}\n" for line in bomb.splitlines())
    )
    started = time.perf_counter()
    result = run("rules", "validate", str(pack_copy))
    assert time.perf_counter() - started < 10  # was about 28 s
    lines = assert_refused(result, "port-concession.yaml:", "aliases expand to too many nodes")
    assert len(lines) == 1


@pytest.mark.parametrize("value", ["1", "text", "{a: b}", "[[x]]"])
def test_phrases_that_are_not_a_list_are_a_schema_error(pack_copy: Path, value: str) -> None:
    phrases = pack_copy / "phrases" / "test.yaml"
    text = phrases.read_text()
    first = text.index("    phrases: [")
    end = text.index("\n", first)
    phrases.write_text(text[:first] + f"    phrases: {value}" + text[end:])
    result = run("rules", "validate", str(pack_copy))
    lines = assert_refused(result, "test.yaml:4:1")
    assert any("error: phrase_sets[0].phrases" in line for line in lines)
    assert run("rules", "test", str(pack_copy)).exit_code == 2
    assert_refused(run("screen", str(FIXTURES / "cases" / "quiet.yaml"), "--rules", str(pack_copy)))


def test_phrase_set_id_that_is_not_text(pack_copy: Path) -> None:
    phrases = pack_copy / "phrases" / "test.yaml"
    phrases.write_text(phrases.read_text().replace("  - id: bri\n", "  - id: [bri]\n", 1))
    assert_refused(run("rules", "validate", str(pack_copy)), "test.yaml:2:9: error: ")


@pytest.mark.parametrize("key", ["facilities", "places", "entities"])
def test_registry_list_that_is_not_a_list(pack_copy: Path, key: str) -> None:
    (pack_copy / "registries" / key / "test.yaml").write_text(f"{key}: 1\n")
    assert_refused(run("rules", "validate", str(pack_copy)), f"test.yaml:1:{len(key) + 3}: error: ")
    assert_refused(run("screen", str(FIXTURES / "cases" / "quiet.yaml"), "--rules", str(pack_copy)))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("a" * 300 + ".yaml", "is too long for the file system (a name of 305 bytes > 255)"),
        ("/".join(["b" * 200] * 30) + ".yaml", "bytes from the root > 4,096)"),
        ('"nul\\0byte.yaml"', "example case path 'nul\\x00byte.yaml' cannot name a file"),
    ],
)
def test_example_case_path_the_file_system_refuses(
    pack_copy: Path, case: str, expected: str
) -> None:
    rule = pack_copy / "field" / "port-concession.yaml"
    text = rule.read_text()
    line = text.index("    case: {jurisdiction: XX, target: {name: T, sectors: [ports]}")
    end = text.index("\n", line)
    rule.write_text(text[:line] + f"    case: {case}" + text[end:])
    where = f"port-concession.yaml:{text[:line].count(chr(10)) + 1}:11: error: "
    lines = assert_refused(run("rules", "validate", str(pack_copy)), where, expected)
    assert len(lines) == 1 and len(lines[0]) < len(str(pack_copy)) + 300
    tested = run("rules", "test", str(pack_copy))
    assert tested.exception is None or isinstance(tested.exception, SystemExit)
    assert tested.exit_code == 1 and expected in tested.output
    assert "internal error" not in tested.output


def test_a_rule_nested_to_the_limit_validates_compiles_tests_and_screens(pack_copy: Path) -> None:
    """96 `not`s around a leaf reach exactly 100 levels; every later stage copes."""
    leaf = "{field: {path: transaction.type, in: [concession, lease]}}"
    when = "{not: " * 96 + leaf + "}" * 96
    rule = pack_copy / "field" / "deep-not.yaml"
    text = (pack_copy / "field" / "port-concession.yaml").read_text()
    text = text.replace(
        "[culture]}, transaction: {type: concession}",
        "[culture]}, transaction: {type: acquisition}",
    )
    head, tail = text.split("when:\n")[0], text.split("explanation:")[1]
    rule.write_text(
        head.replace("id: port-concession", "id: deep-not")
        + f"when: {when}\nexplanation: A deep {{field.value}}.\nreferences:"
        + tail.split("references:")[1]
    )
    assert run("rules", "validate", str(pack_copy)).exit_code == 0
    assert "deep-not" in run("rules", "compile", "--rules", str(pack_copy)).output
    tested = run("rules", "test", str(pack_copy), "--rule", "deep-not")
    assert tested.exit_code == 0 and "2 passed" in tested.output
    case = FIXTURES / "cases" / "port-city-concession.yaml"
    screened = run("screen", str(case), "--rules", str(pack_copy), "--format", "json")
    assert screened.exit_code == 0 and '"rule_id": "deep-not"' in screened.output
    explained = run("explain", str(case), "deep-not", "--rules", str(pack_copy))
    assert explained.exit_code == 0 and "concession" in explained.output
    rule.write_text(rule.read_text().replace("{not: ", "{not: {not: ", 1) + "}")
    assert_refused(run("rules", "validate", str(pack_copy)), "nesting too deep (101 > 100")


def owners(levels: int) -> str:
    chain = "{name: State Holding, percent: 100, country: YY, state: true}"
    for i in range(levels):
        chain = f"{{name: Holding {i}, percent: 100, country: YY, owners: [{chain}]}}"
    return chain


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_a_case_nested_to_the_limit_screens_in_every_format(tmp_path: Path, fmt: str) -> None:
    """An ownership chain 48 owners deep reaches exactly 100 levels."""
    case = tmp_path / "deep.yaml"
    case.write_text(
        "id: deep\ntitle: Deep ownership\njurisdiction: XX\nparties:\n"
        "  - {id: p, name: Port Co, country: YY, kind: company, roles: [investor], "
        f"owners: [{owners(47)}]}}\n"
    )
    result = run("screen", str(case), *RULES, "--format", fmt)
    assert result.exit_code == 0, result.output
    case.write_text(case.read_text().replace(owners(47), owners(48)))
    assert_refused(run("screen", str(case), *RULES), "nesting too deep (101 > 100 levels)")


def test_keys_with_newlines_or_control_characters_stay_on_one_line(tmp_path: Path) -> None:
    case = tmp_path / "keys.yaml"
    case.write_text('id: x\ntitle: t\njurisdiction: XX\n"a\\nb": 1\n"a\\nb": 2\n"c\\x00": 3\n')
    lines = assert_refused(
        run("screen", str(case), *RULES),
        "keys.yaml:5:1: error: duplicate key 'a\\nb' (first at line 4) [yaml]",
    )
    assert len(lines) == 1
    case.write_text('id: x\ntitle: t\njurisdiction: XX\n"c\\x00' + "d" * 100 + '": 3\n')
    (line,) = assert_refused(run("screen", str(case), *RULES), "keys.yaml:4:1: error: ['c\\x00ddd")
    assert "unknown key 'c\\x00ddd" in line and "...; expected one of" in line
