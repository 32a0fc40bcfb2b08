"""The text report written without rich (`report.unwrapped`) is byte for byte what rich
writes off a terminal, or declines: every bundled case, the hostile case, and results whose
free text is generated to hit what rich treats specially (markup, emoji codes, wide and
zero-width characters, control characters, backslashes, long lines)."""

from __future__ import annotations

import io
import re
from typing import IO, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich._emoji_codes import EMOJI
from rich._unicode_data._versions import VERSIONS
from rich.cells import cell_len

from screening.cli.common import UNWRAPPED, _console_class, _Unpadded
from screening.loading.rulepack import RulePack
from screening.models.result import Result
from screening.report import text, unwrapped
from tests.conftest import ROOT
from tests.report.htmlcheck import HOSTILE, Screened, screen_all

DEV_CASES = sorted((ROOT / "cases" / "dev").glob("*.yaml"))


def through_rich(result: Result) -> str:
    """What `screening screen CASE > file` wrote before: rich at the unwrapped width."""
    out = io.StringIO()
    console = _console_class()(
        file=cast(IO[str], _Unpadded(out)), highlight=False, soft_wrap=False, width=UNWRAPPED
    )
    text.render(result, console)
    console.file.flush()
    return out.getvalue()


@pytest.fixture(scope="module")
def dev_screened(real_pack: RulePack) -> dict[str, Screened]:
    return screen_all(real_pack, DEV_CASES)


def test_every_bundled_case_is_written_as_rich_writes_it(
    screened: dict[str, Screened], dev_screened: dict[str, Screened]
) -> None:
    assert len(screened) > 20 and len(dev_screened) > 50
    for name, s in {**screened, **dev_screened}.items():
        if name != HOSTILE.stem:  # none is declined
            assert unwrapped.render(s.result) == through_rich(s.result), name


def test_the_hostile_case_is_written_as_rich_writes_it_or_declined(
    screened: dict[str, Screened],
) -> None:
    result = screened[HOSTILE.stem].result
    written = unwrapped.render(result)
    assert written is None or written == through_rich(result)


#: Pieces rich treats specially, mixed into generated text.
PIECES = [
    "[dim]", "[/dim]", "[bold red]", "[/]", "[[x]", "[link=a]", "[@click]", "[#fff]", "]",
    "\\", "\\[b]", ":smile:", ":100:", ":1234:", ":27:", "18:27:00", ":+1:", ":smile-emoji:",
    "\t", "\n", "\r", "\x1b[31m", "\x07", "\u200b", "\u200d", "\ufe0f", "é", "≥", "—", "·",
    "中文", "東京", "😀", "👍🏽", "\u0301", "x" * 300, " ", "  ", "(", ")", '"',
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=8).map("".join)


def _with_text(result: Result, value: str, where: int) -> Result:
    """The result with `value` in one of its free-text places."""
    f = result.findings[0]
    places = [
        {"case_title": value},
        {"case_id": value},
        {"case_path": value},
        {"notices": [value, *result.notices]},
        {"recommendations": [value]},
        {"findings": [f.model_copy(update={"explanations": [value]}), *result.findings[1:]]},
        {"findings": [f.model_copy(update={"caveats": [value, value + value]})]},
        {"findings": [f.model_copy(update={"title": value})]},
        {"findings": [f.model_copy(update={"note": value})]},
    ]
    return result.model_copy(update=places[where % len(places)])


@settings(max_examples=200, deadline=None)
@given(value=texts, where=st.integers(0, 8))
def test_generated_text_is_written_as_rich_writes_it_or_declined(
    screened: dict[str, Screened], value: str, where: int
) -> None:
    result = _with_text(screened["ashdod-southern-port-pmec"].result, value, where)
    written = unwrapped.render(result)
    if written is not None:
        assert written == through_rich(result)


def test_what_rich_would_render_otherwise_is_left_to_rich(screened: dict[str, Screened]) -> None:
    result = screened["ashdod-southern-port-pmec"].result
    for value in ("x" * (unwrapped.MAX_CHARS + 1), "a\ttab", "back\\slash", ":smile:", ":100:"):
        assert unwrapped.render(_with_text(result, value, 3)) is None, value  # a notice
    assert unwrapped.render(_with_text(result, "two\nlines", 0)) is None  # the panel's title
    assert unwrapped.render(_with_text(result, "two\nlines", 3)) is not None


WIDE_PATHS = ["cases/" + "x" * 400, "中文件" * 90, "a中" * 150, "東" * 45 + "é"]


@pytest.mark.parametrize("path", WIDE_PATHS)
def test_a_path_wider_than_the_panel_is_cut_as_rich_cuts_it(
    screened: dict[str, Screened], path: str
) -> None:
    result = _with_text(screened["ashdod-southern-port-pmec"].result, path, 2)
    assert unwrapped.render(result) == through_rich(result)


def test_what_the_module_assumes_of_rich() -> None:
    # the only emoji names made of digits, which a time of day could spell
    assert {name for name in EMOJI if name.isdigit()} == unwrapped._DIGIT_EMOJI
    # '≥' is one cell in every Unicode version rich knows
    assert {cell_len("≥", version) for version in VERSIONS} == {1}


def test_the_screen_command_writes_the_same_bytes() -> None:
    """Through the CLI off a terminal (written directly) and with $COLUMNS (through rich):
    the same report, but for rich's padding of table cells and the moment of screening."""
    from click.testing import CliRunner

    from screening.cli import cli

    case = str(ROOT / "cases" / "haifa-bay-port-sipg-concession.yaml")
    outputs = []
    for columns in ("", str(UNWRAPPED)):
        done = CliRunner().invoke(cli, ["screen", case], env={"COLUMNS": columns})
        assert done.exit_code == 0
        lines = [line.rstrip(" ") for line in done.stdout.splitlines()]
        outputs.append([re.sub(r"\d{4}-\d\d-\d\dT[\d:]{8}Z", "-", line) for line in lines])
    assert outputs[0] == outputs[1]
