"""`screening serve`: the reviewer workbench, a local web application (screening.workbench)."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

import click

from screening.cli.common import EXIT_INPUT, default_rules_dir, report_problems, rules_option
from screening.errors import InputError, Location, Problem, display_path


@click.command()
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("screening-results.sqlite"),
    show_default=True,
    help="Results database (as `screening batch` writes it; created when missing).",
)
@rules_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option(
    "--token",
    envvar="SCREENING_TOKEN",
    default=None,
    help="Secret every request must carry; required to bind to anything but 127.0.0.1 "
    "(also: $SCREENING_TOKEN).",
)
@click.option("--user", default=None, help="Name in the audit trail (default: the OS user).")
@click.option(
    "--uploads",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for uploaded cases (default: DB-uploads beside the database).",
)
def serve(
    db: Path,
    rules_dir: Path | None,
    host: str,
    port: int,
    token: str | None,
    user: str | None,
    uploads: Path | None,
) -> None:
    """Start the reviewer workbench: queue, dossiers, decisions, waivers, rule editing.

    Server-rendered pages with no script and nothing fetched from the network. Binds to
    127.0.0.1 unless --host says otherwise, which requires --token; every form carries a
    CSRF token, and every change is appended to the database's audit table.
    """
    from screening.workbench.security import bind_refusal

    refusal = bind_refusal(host, token)
    if refusal is not None:
        report_problems([Problem(Location("--host"), refusal, "usage")])
        raise SystemExit(EXIT_INPUT)
    import uvicorn

    from screening.workbench.app import create_app
    from screening.workbench.service import Settings, Workbench

    who = user or _os_user()
    settings = Settings(
        db=db,
        rules=rules_dir or default_rules_dir(),
        uploads=uploads or db.with_name(f"{db.stem}-uploads"),
        user=who,
        token=token,
    )
    try:
        workbench = Workbench(settings)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None
    except sqlite3.Error as exc:
        message = f"not a results database ({exc}); expected an SQLite file or a new file name"
        report_problems([Problem(Location(display_path(db)), message, "io")])
        raise SystemExit(EXIT_INPUT) from None
    shown = "[::1]" if host == "::1" else host
    link = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(
        f"screening workbench on {link} (database {display_path(db)}, rules "
        f"{display_path(settings.rules)}, acting as {who}); Ctrl-C stops it",
        err=True,
    )
    try:
        uvicorn.run(create_app(workbench), host=host, port=port, log_level="warning")
    finally:
        workbench.close()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
