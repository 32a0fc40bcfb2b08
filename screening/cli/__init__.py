"""Command line: parse, call the library, pick a formatter, choose the exit code.

Exit codes: 0 clean; 1 a case reached the `--fail-on` band; 2 invalid input or usage
(or, for `batch`, some files could not be screened); 130 interrupted. A reader that stops
early (`| head`) ends a command quietly, with 0.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
from typing import Any

import click

from screening import __version__
from screening.cli.common import quiet_on_broken_pipe

#: Every command but `schema`, imported when it runs (or is asked for): `screening screen`
#: does not pay for batch, backtest, calibration, intake or rule tooling it does not use.
#: name -> (module, attribute, the first line of its help for `screening --help`; a test
#: checks these lines against the commands).
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "backtest": (
        "screening.cli.batch",
        "backtest",
        "Compare each case's band with the band its author expects (`expected_band`).",
    ),
    "batch": (
        "screening.cli.batch",
        "batch",
        "Score case files, folders and globs into a results file.",
    ),
    "calibrate": (
        "screening.cli.calibrate",
        "calibrate_command",
        "Show how each rule separates blocked deals from cleared ones, and propose weights.",
    ),
    "explain": (
        "screening.cli.explain",
        "explain_command",
        "Show each condition of RULE-ID on CASE: the facts it matched, or what the case had.",
    ),
    "impact": (
        "screening.cli.impact",
        "impact_command",
        "Screen PATHS (cases, folders, globs) with the base and the head rules; show the changes.",
    ),
    "intake": (
        "screening.cli.intake",
        "intake",
        "Draft case files from PDF, Word, HTML, Markdown or text documents.",
    ),
    "monitor": (
        "screening.cli.monitor",
        "monitor_command",
        "Screen the cases of a results DATABASE again and report every change.",
    ),
    "portfolio": (
        "screening.cli.portfolio",
        "portfolio_command",
        "Show the cases of a results DATABASE as a map of ties and agreements.",
    ),
    "rules": ("screening.cli.rules", "rules", "Check, test, list and document rule files."),
    "screen": (
        "screening.cli.screen",
        "screen",
        "Screen one or more case files (or proposal documents) and explain every finding.",
    ),
    "serve": (
        "screening.cli.serve",
        "serve",
        "Start the reviewer workbench: queue, dossiers, decisions, waivers, rule editing.",
    ),
    "waivers": (
        "screening.cli.waivers",
        "waivers",
        "Digest a rule for a new waiver; check a waivers file against the rules.",
    ),
}


class _Group(click.Group):
    """Ends quietly when the reader of the output goes away (`screening … | head`).

    Commands in `LAZY_COMMANDS` are imported on first use; `screening --help` lists them
    from their help lines without importing them.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_COMMANDS:
            module, attribute, _ = LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                rows.append((name, loaded.get_short_help_str(limit)))
            else:
                stand_in = click.Command(name, help=LAZY_COMMANDS[name][2])
                rows.append((name, stand_in.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

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


def main() -> None:
    """Entry point: never show a traceback to a user; report and exit 2 instead.

    On the way out every object still alive is frozen (`gc.freeze`): the interpreter's
    shutdown then frees them without its full collections walking them all first (each
    about 12 ms after a warm `screen`, where the pack and its indexes are loaded).
    """
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
    finally:
        gc.freeze()
