"""Pages about cases: the queue, screening a new case, a case with its decisions, its
dossier, and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from screening.errors import InputError
from screening.loading.case import load_case
from screening.models.case import Case
from screening.models.common import BANDS
from screening.models.result import Result
from screening.workbench import decisions, store
from screening.workbench import queue as queue_db
from screening.workbench.app import checked_form, page, redirect
from screening.workbench.security import DOSSIER_CSP
from screening.workbench.service import Workbench
from screening.workbench.upload import screen_upload


def _wb(request: Request) -> Workbench:
    wb: Workbench = request.app.state.workbench
    return wb


async def queue_page(request: Request) -> Response:
    wb = _wb(request)
    filters = queue_db.Filters.of(dict(request.query_params))
    return page(
        request,
        "queue.html.j2",
        rows=queue_db.queue(wb.db, filters),
        filters=filters,
        choices=queue_db.choices(wb.db),
        bands=BANDS,
        decision_states=queue_db.DECISION_STATES,
    )


async def screen_form(request: Request) -> Response:
    return page(request, "screen.html.j2", problems=[], name="")


async def screen_post(request: Request) -> Response:
    wb = _wb(request)
    form = await checked_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page(request, "screen.html.j2", 422, problems=["choose a file to upload"], name="")
    data = await upload.read(wb.settings.max_upload + 1)
    name = upload.filename
    done = await run_in_threadpool(screen_upload, wb, name, data)
    if done.case_row is None:
        return page(
            request, "screen.html.j2", 422, problems=[str(p) for p in done.problems], name=name
        )
    return redirect(f"/cases/{done.case_row}")


def _stored(wb: Workbench, request: Request) -> queue_db.StoredCase:
    stored = queue_db.stored_case(wb.db, int(request.path_params["row"]))
    if stored is None:
        raise HTTPException(404, "no such screening in the results database")
    return stored


def _case_file(wb: Workbench, stored: queue_db.StoredCase) -> tuple[Case | None, str | None]:
    """The case as its file holds it now, or why it cannot be shown."""
    from pathlib import Path

    path = Path(stored.path)
    if not path.is_file():
        return None, f"the case file {stored.path} is no longer there"
    try:
        case, digest = load_case(path, wb.pack)
    except InputError as exc:
        return None, f"the case file cannot be read now: {exc.problems[0]}"
    if digest != stored.case_digest:
        return case, "the case file has changed since this screening: screen it again"
    return case, None


def _case_page(
    request: Request, stored: queue_db.StoredCase, status: int = 200, **errors: Any
) -> HTMLResponse:
    wb = _wb(request)
    result = Result.model_validate_json(stored.result_json)
    _, problem = _case_file(wb, stored)
    states = store.states(wb.db, stored.case_id)
    entries = decisions.waiver_entries(wb, stored.case_id)
    waived_view = decisions.apply(wb, result, entries, dt.date.today()) if entries else None
    return page(
        request,
        "case.html.j2",
        status,
        stored=stored,
        result=result,
        parties={f.rule_id: decisions.finding_parties(f) for f in result.findings},
        waived_view=waived_view,
        file_problem=problem,
        states=states,
        decision=states.get("case"),
        decisions=queue_db.DECISIONS,
        trail=store.history(wb.db, stored.case_id),
        today=dt.date.today().isoformat(),
        errors=errors.get("errors", {}),
        error_target=errors.get("target", ""),
    )


async def case_page(request: Request) -> Response:
    return _case_page(request, _stored(_wb(request), request))


async def dossier(request: Request) -> Response:
    """The dossier of the stored result, with the waivers in force applied."""
    wb = _wb(request)
    stored = _stored(wb, request)
    case, problem = _case_file(wb, stored)
    if case is None:
        raise HTTPException(404, f"no dossier: {problem}")
    result = Result.model_validate_json(stored.result_json)

    def render() -> str:
        from screening.report.html import render_dossier

        entries = decisions.waiver_entries(wb, stored.case_id)
        shown = decisions.apply(wb, result, entries, dt.date.today())
        if problem:
            shown.notices = [problem, *shown.notices]
        return render_dossier(shown, case, wb.pack)

    html = await run_in_threadpool(render)
    return HTMLResponse(html, headers={"Content-Security-Policy": DOSSIER_CSP})


async def finding_post(request: Request) -> Response:
    wb = _wb(request)
    stored = _stored(wb, request)
    form = await checked_form(request)
    rule_id = request.path_params["rule_id"]
    result = Result.model_validate_json(stored.result_json)
    finding = next((f for f in result.findings if f.rule_id == rule_id), None)
    if finding is None:
        raise HTTPException(404, "no such finding in this screening")
    action = str(form.get("action", ""))
    try:
        value = decisions.finding_value(
            action,
            form,
            rule_id=rule_id,
            parties=decisions.finding_parties(finding),
            pack=wb.pack,
            today=dt.date.today(),
        )
    except decisions.Refused as exc:
        return _case_page(request, stored, 422, errors=exc.errors, target=rule_id)
    decisions.record_finding(wb, stored, rule_id, action, value)
    return redirect(f"/cases/{stored.case_row}#finding-{rule_id}")


async def decision_post(request: Request) -> Response:
    wb = _wb(request)
    stored = _stored(wb, request)
    form = await checked_form(request)
    try:
        value = decisions.decision_value(form)
    except decisions.Refused as exc:
        return _case_page(request, stored, 422, errors=exc.errors, target="case")
    decisions.record_decision(wb, stored, value)
    return redirect(f"/cases/{stored.case_row}#decision")


async def audit_page(request: Request) -> Response:
    wb = _wb(request)
    case_id = request.query_params.get("case") or None
    return page(request, "audit.html.j2", trail=store.history(wb.db, case_id), case_id=case_id)


routes = [
    Route("/", queue_page),
    Route("/screen", screen_form),
    Route("/screen", screen_post, methods=["POST"]),
    Route("/cases/{row:int}", case_page),
    Route("/cases/{row:int}/dossier", dossier),
    Route("/cases/{row:int}/findings/{rule_id}", finding_post, methods=["POST"]),
    Route("/cases/{row:int}/decision", decision_post, methods=["POST"]),
    Route("/audit", audit_page),
]
