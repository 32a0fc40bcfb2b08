"""The portfolio page: the results database as a graph of ties and a map
(`screening.portfolio`), with the cross-case findings, filtered like `screening portfolio`.

The two pictures are served as SVG images (`<img>`), so nothing in them can run even if a
label escaped its escaping; one portfolio is kept for the page and its two images.
"""

from __future__ import annotations

import re
from dataclasses import astuple
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from screening.errors import InputError
from screening.portfolio import Filters, Portfolio, graph_svg, map_svg, portfolio
from screening.workbench.app import page
from screening.workbench.service import Workbench

_PERIOD = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
#: An SVG opened on its own runs nothing and loads nothing either.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _filters(request: Request) -> tuple[Filters, list[str]]:
    q = request.query_params
    ignored = [
        f"{key}: got '{q[key][:40]}'; expected YYYY, YYYY-MM or YYYY-MM-DD (ignored)"
        for key in ("since", "until")
        if q.get(key) and not _PERIOD.fullmatch(q[key])
    ]
    period = {k: q[k] if q.get(k) and _PERIOD.fullmatch(q[k]) else None for k in ("since", "until")}
    return (
        Filters(
            municipality=q.get("municipality", "")[:200] or None,
            foreign_body=q.get("foreign_body", "")[:200] or None,
            **period,
        ),
        ignored,
    )


async def _portfolio(request: Request, filters: Filters) -> Portfolio:
    """The portfolio for these filters, computed again only when the database, the rules
    or the filters changed."""
    wb: Workbench = request.app.state.workbench
    db = wb.settings.db
    stamp = tuple(
        (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None
        for p in (db, db.with_name(db.name + "-wal"))
    )
    key = (astuple(filters), stamp, wb.pack.digest)
    cached = wb.portfolio_cache
    if cached is not None and cached[0] == key and isinstance(cached[1], Portfolio):
        return cached[1]

    try:
        result = await run_in_threadpool(portfolio, db, wb.pack, filters)
    except InputError as exc:
        raise HTTPException(500, f"the portfolio cannot be read: {exc.problems[0]}") from None
    wb.portfolio_cache = (key, result)
    return result


async def portfolio_page(request: Request) -> Response:
    filters, ignored = _filters(request)
    p = await _portfolio(request, filters)
    query = urlencode({k: v for k, v in vars(filters).items() if v})
    ties = [
        (e.case_id, p.nodes[e.source].label, p.nodes[e.target].label)
        for e in p.edges
        if e.kind == "agreement"
    ]
    return page(
        request,
        "portfolio.html.j2",
        p=p,
        filters=filters,
        ignored=ignored,
        query=query,
        ties=ties,
        counts={k: len(p.of_kind(k)) for k in ("case", "municipality", "site", "facility")},
        foreign=len(p.of_kind("foreign_body", "company", "group")),
    )


async def graph_image(request: Request) -> Response:
    p = await _portfolio(request, _filters(request)[0])
    return _svg(graph_svg(p))


async def map_image(request: Request) -> Response:
    p = await _portfolio(request, _filters(request)[0])
    return _svg(map_svg(p))


async def portfolio_json(request: Request) -> Response:
    p = await _portfolio(request, _filters(request)[0])
    return JSONResponse(p.as_json())


def _svg(text: str) -> Response:
    return Response(text, media_type="image/svg+xml", headers={"Content-Security-Policy": SVG_CSP})


routes = [
    Route("/portfolio", portfolio_page),
    Route("/portfolio/graph.svg", graph_image),
    Route("/portfolio/map.svg", map_image),
    Route("/portfolio.json", portfolio_json),
]
