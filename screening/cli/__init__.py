"""Command line: parse, call the library, pick a formatter, choose the exit code.

Exit codes: 0 clean; 1 a case reached the `--fail-on` band; 2 invalid input or usage
(or, for `batch`, some files could not be screened); 130 interrupted. A reader that stops
early (`| head`) ends a command quietly, with 0.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from screening import __version__
from screening.cli.batch import backtest, batch
from screening.cli.calibrate import calibrate_command
from screening.cli.common import quiet_on_broken_pipe
from screening.cli.explain import explain_command
from screening.cli.impact import impact_command
from screening.cli.intake import intake
from screening.cli.rules import rules
from screening.cli.screen import screen


class _Group(click.Group):
    """Ends quietly when the reader of the output goes away (`screening … | head`)."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with quiet_on_broken_pipe():  # --help
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with quiet_on_broken_pipe():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="screening")
def cli() -> None:
    """Screen foreign investment proposals against YAML risk rules (matched on durable-rules)."""


@cli.command()
@click.argument("what", type=click.Choice(["case", "rule", "result"]))
def schema(what: str) -> None:
    """Print the JSON Schema of a case file, a rule file or a result."""
    from screening.schemas import json_schema

    click.echo(json.dumps(json_schema(what), indent=2, ensure_ascii=False))


cli.add_command(screen)
cli.add_command(batch)
cli.add_command(backtest)
cli.add_command(calibrate_command)
cli.add_command(rules)
cli.add_command(explain_command)
cli.add_command(impact_command)
cli.add_command(intake)


def main() -> None:
    """Entry point: never show a traceback to a user; report and exit 2 instead."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:  # last resort: one line, never a traceback
        sys.stderr.write(f"screening: internal error: {type(exc).__name__}: {exc}\n")
        raise SystemExit(2) from None
