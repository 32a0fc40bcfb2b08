"""Pages for policy staff: the rule files, and the editor that tries an edit before saving.

"Check" shows the located problems (each at its line of the text), and with none, the
rule's examples and its impact on the stored cases. "Save" checks again and writes (and
commits) the file only when there are no errors; the audit trail keeps the text it replaced.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from screening.report.impact import changed, summary
from screening.workbench import queue as queue_db
from screening.workbench import rule_edit, store
from screening.workbench.app import checked_form, page, redirect
from screening.workbench.service import Workbench


def _wb(request: Request) -> Workbench:
    wb: Workbench = request.app.state.workbench
    return wb


def _file(wb: Workbench, name: str) -> str:
    """The rule file's name once it is known to be one of the pack's rule files."""
    if rule_edit.rule_path(wb.settings.rules, name) is None:
        raise HTTPException(
            404, "not a rule file of the rule folder (paths outside it are refused)"
        )
    return name


async def rules_page(request: Request) -> Response:
    wb = _wb(request)
    by_file: dict[str, list[str]] = {}
    for lr in wb.pack.rules:
        try:
            rel = lr.path.resolve().relative_to(wb.settings.rules.resolve()).as_posix()
        except ValueError:
            continue
        by_file.setdefault(rel, []).append(f"{lr.rule.id}: {lr.rule.title}")
    files = [(name, by_file.get(name, [])) for name in rule_edit.rule_list(wb.settings.rules)]
    return page(request, "rules.html.j2", files=files)


async def editor(request: Request) -> Response:
    wb = _wb(request)
    name = _file(wb, request.query_params.get("file", ""))
    text = (wb.settings.rules / name).read_text(encoding="utf-8")
    saved = store.current(wb.db, "rule", None, name) if request.query_params.get("saved") else None
    return page(
        request, "rule_edit.html.j2", name=name, text=text, trial=None, saved=saved, refused=False
    )


async def editor_post(request: Request) -> Response:
    wb = _wb(request)
    form = await checked_form(request)
    name = _file(wb, str(form.get("file", "")))
    text = str(form.get("text", "")).replace("\r\n", "\n")
    stored = queue_db.stored_paths(wb.db)

    def attempt() -> rule_edit.Trial:
        with wb.lock:
            return rule_edit.trial(wb.settings.rules, name, text, wb.pack, stored)

    trial = await run_in_threadpool(attempt)
    refused = form.get("action") == "save" and (not trial.ok or bool(trial.examples_failed))
    if form.get("action") != "save" or refused:
        return page(
            request,
            "rule_edit.html.j2",
            422 if refused or not trial.ok else 200,
            name=name,
            text=text,
            trial=trial,
            saved=None,
            refused=refused,
            lines_with_errors={p.location.line for p in trial.errors if p.location.path == name},
            changed=[i for i in trial.impacts if changed(i)],
            impact_summary=summary(trial.impacts) if trial.impacts else "",
        )
    rules_digest = wb.pack.digest
    previous = (wb.settings.rules / name).read_text(encoding="utf-8")

    def write() -> rule_edit.Saved:
        with wb.lock:
            saved = rule_edit.save(wb.settings.rules, name, text, wb.settings.user, trial.rule_ids)
            wb.reload_rules()
            return saved

    saved = await run_in_threadpool(write)
    store.append(
        wb.db,
        who=wb.settings.user,
        subject="rule",
        target=name,
        action="save-rule",
        value={
            "sha256": saved.sha256,
            "rules": trial.rule_ids,
            "commit": saved.commit,
            "git": saved.git_note,
            "text": text,
            "rules_digest_after": wb.pack.digest,
        },
        previous={"sha256": saved.previous_sha256, "text": previous},
        rules_digest=rules_digest,
    )
    return redirect(f"/rules/edit?file={quote(name)}&saved=1")


routes = [
    Route("/rules", rules_page),
    Route("/rules/edit", editor),
    Route("/rules/edit", editor_post, methods=["POST"]),
]
