"""HTML reviewer dossier and batch overview: one self-contained, printable file each.

A dossier is what a reviewer files, prints on A4 or mails on, so it must stand alone: CSS is
inline, charts are inline SVG, nothing is loaded from the network and nothing runs.

Every string that comes from a case file is untrusted (a proposal is written by the party
being screened). It only ever reaches the page through Jinja2 with autoescaping on, never in a
script, URL, style or attribute name; a Content-Security-Policy meta tag forbids scripts and
every fetch, so even an escaping mistake could neither run code nor call out.

The geometry of the charts (scale, waterfall, map projection, ownership graph layout) is
computed in this package, as numbers, one module per picture; the templates in `templates/`
only lay it out. This module holds the public API, the Jinja2 environment and the assembly of
each page's context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.evidence import Evidence, OwnershipEvidence, TextEvidence
from screening.models.result import Result
from screening.report.describe import describe, drivers, route_line, signed, timestamp
from screening.report.html.charts import (
    band_chart,
    breakdown,
    finding_kind,
    heatmap,
    score_histogram,
    score_scale,
)
from screening.report.html.geomap import nice_length, site_map
from screening.report.html.highlight import Highlight, highlight, wrap
from screening.report.html.ownership import Graph, ownership_graph

__all__ = [
    "EvidenceView",
    "breakdown",
    "evidence_view",
    "highlight",
    "nice_length",
    "ownership_graph",
    "page_environment",
    "render_batch_report",
    "render_dossier",
    "safe_href",
    "score_scale",
    "wrap",
]

#: The batch report lists this many cases, highest score first, with links to their dossiers.
TOP_CASES = 25


# --- public API ------------------------------------------------------------------------------


def render_dossier(result: Result, case: Case, pack: RulePack) -> str:
    """The reviewer dossier for one screened case, as one self-contained HTML page."""
    return _env().get_template("dossier.html.j2").render(_dossier_context(result, case, pack))


def render_batch_report(
    results: list[Result],
    errors: list[str],
    dossier_links: dict[str, str],
    failed_files: int | None = None,
) -> str:
    """The overview of a batch; `dossier_links` maps case id -> relative dossier file name.

    The heading counts files, like the other counts (`failed_files`, by default one file per
    error); the errors in them are given apart when a file had several.
    """
    ranked = sorted(results, key=lambda r: (-r.score, r.case_id))
    context = {
        "results": ranked,
        "errors": errors,
        "failed_files": len(errors) if failed_files is None else failed_files,
        "band_chart": band_chart(results),
        "histogram": score_histogram(results),
        "heatmap": heatmap(ranked),
        "top": [(r, safe_href(dossier_links.get(r.case_id))) for r in ranked[:TOP_CASES]],
        "provenance": _batch_provenance(results),
    }
    return _env().get_template("batch.html.j2").render(context)


def page_environment(package: str) -> Environment:
    """Templates of `package`/templates with every value escaped and any undefined name an
    error: what case text reaches must never be markup, and a typo must not render blank."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _env() -> Environment:
    env = page_environment("screening.report")
    env.filters["signed"] = signed
    env.filters["timestamp"] = timestamp
    env.filters["num"] = _num
    env.filters["humanise"] = lambda s: str(s).replace("_", " ")
    env.filters["px"] = lambda v: f"{v:.1f}"
    env.filters["drivers"] = drivers
    env.filters["finding_kind"] = finding_kind
    env.globals["route_line"] = route_line
    return env


def _num(value: float, digits: int = 2) -> str:
    """A number as a reviewer writes it: 1.17, 40, 1,200,000 (never 1.2e+06)."""
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dossier_context(result: Result, case: Case, pack: RulePack) -> dict[str, object]:
    return {
        "result": result,
        "case": case,
        "scale": score_scale(result.score, result.bands),
        "breakdown": breakdown(result),
        "site_map": site_map(result, case, pack),
        "findings": [
            (i, f, [evidence_view(ev) for ev in f.evidence])
            for i, f in enumerate(result.findings, 1)
        ],
    }


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence as shown: its one-line description, plus the marked sentence
    (text) or the drawn chain (ownership) where a picture says more."""

    evidence: Evidence
    summary: str
    highlight: Highlight | None = None
    graph: Graph | None = None


def evidence_view(ev: Evidence) -> EvidenceView:
    if isinstance(ev, TextEvidence):
        return EvidenceView(ev, describe(ev), highlight=highlight(ev))
    if isinstance(ev, OwnershipEvidence):
        return EvidenceView(ev, describe(ev), graph=ownership_graph(ev))
    return EvidenceView(ev, describe(ev))


def safe_href(link: str | None) -> str | None:
    """A dossier link only if it is relative (no scheme, host or absolute path), URL-quoted."""
    if not link or link.startswith(("/", "\\")):
        return None
    parts = urlsplit(link)
    if parts.netloc or parts.scheme.lower() in _URL_SCHEMES:
        return None
    return quote(link, safe="/._-~")  # 'run-T23:20.html' becomes a plain file name


#: Schemes a browser would follow; anything else before a colon is part of a file name.
_URL_SCHEMES = frozenset(
    {
        "http",
        "https",
        "javascript",
        "data",
        "file",
        "ftp",
        "mailto",
        "vbscript",
        "blob",
        "ws",
        "wss",
    }
)


def _batch_provenance(results: list[Result]) -> dict[str, list[str]]:
    """Engine versions and rule digests seen (more than one is worth noticing), and the span
    of screening times."""
    times = sorted(timestamp(r.provenance.screened_at) for r in results)
    return {
        "engine": sorted({r.provenance.engine_version for r in results}),
        "rules": sorted({r.provenance.rules_digest for r in results}),
        "screened": sorted({times[0], times[-1]}) if times else [],
    }
