"""Explanation templates are data: only `{alias.field}` with a small format spec, bounded output.

`{text.sentence:>99999999}` once passed `rules validate` and made `screen` write 300 MB of
JSON. Each refused form is reported by `rules validate` at the rule's explanation; the
forms the bundled rules use are accepted; `render` never returns more than a bounded string.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.checks import check_rule_pack
from screening.cli import cli
from screening.pipeline.templates import (
    MAX_RENDERED,
    MAX_VALUE,
    MAX_WIDTH,
    TemplateError,
    TemplateFields,
    parse_template,
    render,
)
from tests.conftest import FIXTURE_PACK, FIXTURES, REAL_PACK

REFUSED = {
    "{text.sentence:>99999999}": "width 99,999,999 is too large; expected at most 200",
    "{text.sentence:0201}": "width 201 is too large",
    "{text.sentence:.100000}": "precision 100,000 is too large",
    "{text.sentence!r}": "conversions such as !r are not supported",
    "{text.sentence!a}": "conversions such as !a are not supported",
    "{text.sentence[0]}": "no index, no deeper attribute",
    "{text.sentence.__class__}": "no index, no deeper attribute",
    "{text.__class__.__init__}": "no index, no deeper attribute",
    "{0}": "expected {alias.field}",
    "{}": "expected {alias.field}",
    "{text.sentence:{text.start}}": "a format spec cannot hold another field",
    "{text.start:c}": "format spec 'c' is not one of Python's",
    "{text.sentence:>>>}": "format spec '>>>' is not one of Python's",
    "{text.sentence": "expected '}' before end of string",
    "text} here": "Single '}' encountered",
}

ALLOWED = [
    "{text.sentence}",
    "{proximity.distance_km:.1f} km",
    "{proximity.distance_km:g}",
    f"{{party.party_name:>{MAX_WIDTH}}}",
    "{entity.score:.0f}%",
    "{ownership.state_share:,}",
    "{field.value:^12}|{field.value:*<8}",
    "{{literal braces}} and {finding.title}{finding2.title}",
]


@pytest.mark.parametrize(("template", "message"), REFUSED.items())
def test_refused_forms(template: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(template)
    assert message in str(info.value)


@pytest.mark.parametrize("template", ALLOWED)
def test_allowed_forms(template: str) -> None:
    assert parse_template(template)


def test_every_bundled_explanation_is_accepted() -> None:
    pack, _ = check_rule_pack(REAL_PACK, examples=False)
    assert pack is not None and pack.rules
    for lr in pack.rules:
        assert parse_template(lr.rule.explanation) is not None, lr.rule.id


def _pack_with(tmp_path: Path, explanation: str) -> tuple[Path, Path]:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    rule = pack / "text" / "confidential.yaml"
    text = rule.read_text(encoding="utf-8")
    old = "explanation: 'Confidentiality: \"{text.sentence}\"'"
    assert old in text
    rule.write_text(text.replace(old, f"explanation: '{explanation}'"), encoding="utf-8")
    return pack, rule


@pytest.mark.parametrize("template", ["{text.sentence:>99999999}", "{text.sentence!r}"])
def test_validate_locates_a_refused_template_and_screen_refuses_the_pack(
    tmp_path: Path, template: str
) -> None:
    pack, rule = _pack_with(tmp_path, template)
    validate = CliRunner().invoke(cli, ["rules", "validate", str(pack)])
    assert validate.exit_code == 2
    (line,) = [x for x in validate.stdout.splitlines() if "rule-template" in x]
    assert line.startswith(f"{rule}:8:14: error: confidential: malformed template: placeholder")
    case = str(FIXTURES / "cases" / "port-city-concession.yaml")
    start = time.perf_counter()
    screen = CliRunner().invoke(cli, ["screen", case, "--rules", str(pack), "--format", "json"])
    assert screen.exit_code == 2 and f"{rule}:8:14" in screen.stderr
    assert screen.stdout == "" and time.perf_counter() - start < 30


def test_a_wide_spec_screens_to_a_bounded_explanation(tmp_path: Path) -> None:
    pack, _ = _pack_with(tmp_path, f"{{text.sentence:>{MAX_WIDTH}}}")
    case = str(FIXTURES / "cases" / "port-city-concession.yaml")
    screen = CliRunner().invoke(cli, ["screen", case, "--rules", str(pack), "--format", "json"])
    assert screen.exit_code == 0, screen.output
    assert len(screen.stdout) < 200_000


# -- render -------------------------------------------------------------------------------

NS = {
    "text": TemplateFields({"sentence": "a sentence", "start": 3, "tags": ["x", "y"]}),
    "proximity": TemplateFields({"distance_km": 1.1700000000000002, "facility": "F"}),
}


def test_render_fills_fields_lists_numbers_and_unmatched_branches() -> None:
    assert render("{proximity.facility} at {proximity.distance_km} km", NS) == "F at 1.17 km"
    assert render("{proximity.distance_km:.1f}|{text.tags}", NS) == "1.2|x, y"
    assert render("{text.sentence:>12}|{text.start:03d}", NS) == "  a sentence|003"
    assert render("[{finding.title}{text.sentence}]", NS) == "[a sentence]"
    assert render("{{x}}", NS) == "{x}"


def test_a_spec_that_does_not_fit_the_value_shows_it_plainly() -> None:
    assert render("{text.sentence:.2f}|{text.start:,}", NS) == "a sentence|3"


def test_render_is_bounded_whatever_the_values_and_template() -> None:
    huge = {"text": TemplateFields({"sentence": "x" * 10_000_000})}
    start = time.perf_counter()
    one = render("{text.sentence}", huge)
    many = render("{text.sentence}" * 10_000, huge)
    assert time.perf_counter() - start < 2
    assert len(one) == MAX_VALUE and one.endswith("…")
    assert len(many) == MAX_RENDERED and many.endswith("…")


def test_a_refused_template_renders_as_written_never_expanded() -> None:
    assert render("{text.sentence:>99999999}", NS) == "{text.sentence:>99999999}"
    assert len(render("{" * 100_000, NS)) == MAX_RENDERED
