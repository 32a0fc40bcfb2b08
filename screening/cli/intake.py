"""`screening intake FILE...`: draft case files from proposal documents."""

from __future__ import annotations

from pathlib import Path

import click

from screening.cli.common import EXIT_INPUT, load_pack_or_exit, report_problems, rules_option
from screening.errors import InputError, Problem


@click.command("intake")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write each draft to DIR/<file name>.yaml.",
)
@click.option(
    "-o",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the draft to FILE (one input only).",
)
@click.option(
    "--jurisdiction",
    metavar="CC",
    default=None,
    help="The case's jurisdiction (ISO 3166 alpha-2); default: the country of most places named.",
)
@click.option(
    "--every-name",
    is_flag=True,
    help="Draft every registry entity and legal-form name as a party, also those the text "
    "names only in passing (by default they are listed in the draft's notes).",
)
@rules_option
def intake(
    files: tuple[Path, ...],
    out_dir: Path | None,
    out_file: Path | None,
    jurisdiction: str | None,
    every_name: bool,
    rules_dir: Path | None,
) -> None:
    """Draft case files from PDF, Word, HTML, Markdown or text documents.

    Each draft names the parties the text ties to the deal (a role, or a sentence about the
    deal), the gazetteer places, sectors, technologies and figures the document states, each
    with its evidence as a comment; names met only in passing, and the authority reviewing
    the deal, are listed in its notes. It validates as a case file. Without --out or -o the
    drafts go to standard output. Exit 2 when a file cannot be read (each such file gets one
    line on standard error).
    """
    from screening.intake import Extractor, draft_from_document

    if out_dir and out_file:
        raise click.UsageError("give --out DIR or -o FILE, not both")
    if out_file and len(files) > 1:
        raise click.UsageError("-o FILE takes one input; use --out DIR for several")
    if jurisdiction is not None and not (len(jurisdiction) == 2 and jurisdiction.isupper()):
        raise click.BadParameter(
            "expected two capital letters, e.g. IL", param_hint="--jurisdiction"
        )
    pack = load_pack_or_exit(rules_dir)
    extractor = Extractor(pack, registry_mentions=not every_name)
    problems: list[Problem] = []
    drafts = []
    for path in files:
        try:
            draft = draft_from_document(path, pack, extractor=extractor, jurisdiction=jurisdiction)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        target = out_file or (out_dir / f"{path.stem}.yaml" if out_dir else None)
        if target is None:
            drafts.append(draft.yaml)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(draft.yaml, encoding="utf-8")
            open_notes = len(draft.notes)
            click.echo(
                f"{path} -> {target}: {len(draft.case.parties)} parties "
                f"({len(draft.unresolved)} unresolved, {len(draft.mentions)} named in passing), "
                f"{len(draft.case.sites)} sites, "
                f"{draft.document.pages} page(s); {open_notes} open note(s)",
                err=True,
            )
    if drafts:
        click.echo("---\n".join(drafts), nl=False)
    if problems:
        report_problems(problems)
        raise SystemExit(EXIT_INPUT)
