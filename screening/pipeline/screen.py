"""The whole flow for one case: facts -> durable-rules -> findings -> score -> result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from screening import __version__
from screening.compile.durable import EngineError
from screening.errors import InputError, Location, Problem
from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.result import BandScale, Provenance, Result, Unmeasured
from screening.pipeline.engine import Matcher
from screening.pipeline.findings import Draft, build_drafts
from screening.pipeline.routing import case_recommendations, route
from screening.pipeline.scoring import band_of, score_drafts
from screening.signals.extract import SignalExtractor


class Screener:
    """A rule pack ready to screen many cases (indexes and ruleset are built once)."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.extractor = SignalExtractor(pack)
        self.matcher = Matcher(pack.active_rules)

    def drafts(self, case: Case) -> tuple[list[Draft], str | None]:
        """The fired rules before scoring, and the target's sensitivity (calibration re-scores
        them with other weights)."""
        extraction = self.extractor.extract(case)
        firings = self.matcher.match(extraction.facts)
        drafts = build_drafts(self.pack, firings, extraction.by_id(), extraction.values)
        return drafts, extraction.values.get("target.sensitivity")

    def screen(self, case: Case, *, case_digest: str, case_path: str | None = None) -> Result:
        extraction = self.extractor.extract(case)
        firings = self.matcher.match(extraction.facts)
        drafts = build_drafts(self.pack, firings, extraction.by_id(), extraction.values)
        sensitivity = extraction.values.get("target.sensitivity")
        score, risk, findings = score_drafts(drafts, self.pack.scoring, sensitivity)
        bands = self.pack.scoring.bands
        recommendations: list[str] = []
        routing = self.pack.routing
        if routing is not None:
            sectors = case.target.sectors if case.target else []
            for f in findings:
                f.routes = route(routing, case.jurisdiction, sectors, f.recommendation.routes)
            recommendations = case_recommendations(routing, case.jurisdiction, findings)
        return Result(
            case_id=case.id,
            case_title=case.title,
            case_path=case_path,
            expected_band=case.expected_band,
            outcome=case.outcome.status if case.outcome else None,
            jurisdiction=case.jurisdiction,
            control=case.control,
            score=score,
            band=band_of(score, bands),
            risk_before_mitigation=risk,
            sensitivity=sensitivity,
            bands=BandScale(medium=bands.medium, high=bands.high, critical=bands.critical),
            findings=findings,
            recommendations=recommendations,
            notices=extraction.notices,
            unmeasured=[
                Unmeasured(what="proximity", site=site, reason=reason)
                for site, reason in extraction.unmeasured_sites
            ],
            provenance=Provenance(
                engine_version=__version__,
                rules_digest=self.pack.digest,
                case_digest=case_digest,
                rule_count=len(self.pack.active_rules),
                screened_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            ),
        )

    def screen_file(self, path: Path, shown: str) -> Result:
        """Load and screen one file; every failure is an `InputError` naming the file."""
        return self.screen_case_file(path, shown)[1]

    def screen_case_file(self, path: Path, shown: str) -> tuple[Case, Result]:
        """Like `screen_file`, keeping the case (the HTML dossier shows both)."""
        case, digest = load_case(path, self.pack)
        try:
            return case, self.screen(case, case_digest=digest, case_path=shown)
        except EngineError as exc:
            raise InputError(
                [Problem(Location(shown), f"the rules engine failed on this case: {exc}", "engine")]
            ) from None

    def close(self) -> None:
        self.matcher.close()
