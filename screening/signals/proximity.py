"""Distance from each site to the strategic facilities near it (geodesic, to the edge).

Screening regimes measure from a facility's boundary, so the distance is the geodesic
distance between the points less the facility's footprint radius (never below 0). All
facilities are measured from a site in one vectorised call to PROJ.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from screening.models.case import Site
from screening.models.common import LatLon
from screening.models.evidence import ProximityEvidence
from screening.models.registry import Facility, Place
from screening.models.settings import STANDARD_RANGE
from screening.signals.names import NameIndex

if TYPE_CHECKING:
    from pyproj import Geod


def _geod() -> Geod:
    """Geodesics on the WGS84 ellipsoid (Karney's algorithm, in PROJ's C library). pyproj is
    imported on the first distance measured, not by every command that imports this (one
    thread at a time: the workbench screens in several)."""
    with _GEOD_LOCK:
        return _wgs84()


_GEOD_LOCK = threading.Lock()


@cache
def _wgs84() -> Geod:
    return _geod_class()(ellps="WGS84")


def _geod_class() -> type[Geod]:
    """pyproj's `Geod`, without pyproj's package initialisation when pyproj is not imported
    yet: that imports its CRS, transformer, database and network modules (urllib, ssl) and
    looks up a CA bundle, about 50 ms of a one-case `screening screen`, none of it used by
    a geodesic. A stand-in package is put in place while `pyproj.geod` is imported, then the
    pyproj modules so loaded are taken out of `sys.modules` again, so that a later
    `import pyproj` initialises pyproj as always. On any failure: the usual import."""
    if "pyproj" in sys.modules:
        from pyproj import Geod

        return Geod
    before = set(sys.modules)
    geod_class: type[Geod] | None = None
    try:
        spec = importlib.util.find_spec("pyproj")
        if spec is not None and spec.submodule_search_locations is not None:
            stand_in = types.ModuleType("pyproj")
            stand_in.__path__ = list(spec.submodule_search_locations)
            stand_in.__spec__ = spec
            sys.modules["pyproj"] = stand_in
            from pyproj.geod import Geod as geod_class
    except Exception:
        geod_class = None
    finally:
        for name in set(sys.modules) - before:
            if name == "pyproj" or name.startswith("pyproj."):
                del sys.modules[name]
    if geod_class is None:
        from pyproj import Geod

        return Geod
    return geod_class


#: A site placed only at one of these is too coarse to measure distances from: a city's
#: reference point says nothing about how close a project in it is to a base in it.
COARSE_PLACE_KINDS = ("city", "district")


@dataclass(frozen=True)
class PlacedSite:
    site: Site
    location: LatLon | None
    precision: str
    note: str | None  # why the site could not be placed, or how it was
    area: LatLon | None = None  # a site placed only at city level: the city's point


#: Why a site placed with this precision was not measured from (`Result.unmeasured`).
UNMEASURED_REASONS = {
    "unknown": "its place is not in the gazetteer",
    "city": "it is placed only at city or district level",
}


class Gazetteer:
    def __init__(self, places: Sequence[Place]) -> None:
        self._index: NameIndex[Place] = NameIndex((p, [p.id, p.name, *p.aliases]) for p in places)

    def place(self, site: Site) -> PlacedSite:
        if site.coordinates is not None:
            return PlacedSite(site, site.coordinates, "exact", None)
        if site.place is None:
            return PlacedSite(site, None, "declared", None)
        hit = self._index.lookup(site.place, min_score=None)  # places are never guessed
        if hit is None:
            guess = self._index.suggest(site.place)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            return PlacedSite(
                site,
                None,
                "unknown",
                f"site '{site.name}': place '{site.place}' is not in the gazetteer{hint}; "
                "distances to strategic facilities were not computed",
            )
        place = hit.item
        if place.kind in COARSE_PLACE_KINDS:
            return PlacedSite(
                site,
                None,
                "city",
                f"site '{site.name}' is placed only at {place.kind} level ('{place.name}'); "
                "distances to strategic facilities were not computed: give coordinates or a "
                "more specific place",
                area=place.location,
            )
        note = f"placed at gazetteer entry '{place.name}' ({place.precision})"
        return PlacedSite(site, place.location, place.precision, note)


class FacilityIndex:
    """Every facility of the pack, measured from a site in one vectorised geodesic call."""

    def __init__(self, facilities: Sequence[Facility]) -> None:
        # a facility without a position (precision `unknown`) is known but never measured
        self.facilities = [f for f in facilities if f.location is not None]
        self._lats = [f.location.lat for f in self.facilities if f.location]
        self._lons = [f.location.lon for f in self.facilities if f.location]
        #: each facility's range tier (matching.yaml), the standard one when it names none
        self.tiers = {f.id: f.range_tier or STANDARD_RANGE for f in facilities}
        # names and aliases (former names included), for facilities a filer declares by name
        self._names: NameIndex[Facility] = NameIndex(
            (f, [f.id, f.name, *f.aliases]) for f in facilities
        )

    def tier_of(self, evidence: ProximityEvidence) -> str:
        """The range tier of the facility a distance is to: a declared facility takes the tier
        of the registry entry its name or a former name denotes exactly (never guessed)."""
        if evidence.facility_id is not None:
            return self.tiers.get(evidence.facility_id, STANDARD_RANGE)
        hit = self._names.lookup(evidence.facility, min_score=None)
        return STANDARD_RANGE if hit is None else self.tiers[hit.item.id]

    def _same_area_only(self, placed: PlacedSite) -> list[ProximityEvidence]:
        """A city-placed site: only the area facilities of that city (nothing is measured)."""
        out = []
        for fac, km in zip(self.facilities, _area_distances(placed, self.facilities), strict=False):
            if fac.precision == "area" and km <= (fac.radius_km or 0.0):
                out.append(_same_area(placed, fac))
        return out

    def distances(
        self, placed: PlacedSite, search_km: float, ranges: Mapping[str, float] | None = None
    ) -> list[ProximityEvidence]:
        """Computed distances to every facility within its range of the site, nearest first.

        A facility is measured as far as `ranges` gives for its range tier, `search_km` for
        a facility without one (or a tier `ranges` leaves out)."""
        if not self.facilities:
            return []
        if placed.location is None:
            return self._same_area_only(placed)
        here = placed.location
        n = len(self.facilities)
        _, _, metres = _geod().inv([here.lon] * n, [here.lat] * n, self._lons, self._lats)
        out: list[ProximityEvidence] = []
        for fac, centre_m in zip(self.facilities, metres, strict=True):
            edge_km = max(0.0, centre_m / 1000 - (fac.radius_km or 0.0))
            if fac.precision == "area":
                # placed only at a city or port reference point: never a measured distance,
                # only "in the same area" when the site lies within the area's radius
                if edge_km == 0.0:
                    out.append(_same_area(placed, fac))
            elif edge_km <= _limit(fac, search_km, ranges):
                out.append(_evidence(placed, fac, edge_km))
        out.sort(key=lambda e: (e.distance_km is None, e.distance_km or 0.0))
        return out


def _limit(fac: Facility, search_km: float, ranges: Mapping[str, float] | None) -> float:
    """How far from `fac` a site is measured: its range tier's distance, or the standard."""
    if ranges is None or fac.range_tier is None:
        return search_km
    return ranges.get(fac.range_tier, search_km)


def _area_distances(placed: PlacedSite, facilities: Sequence[Facility]) -> list[float]:
    """Distances (km) from a city-placed site's city point to each facility's point."""
    area = placed.area
    if area is None:
        return []
    lats = [f.location.lat for f in facilities if f.location]
    lons = [f.location.lon for f in facilities if f.location]
    _, _, metres = _geod().inv([area.lon] * len(lats), [area.lat] * len(lats), lons, lats)
    return [m / 1000 for m in metres]


def _evidence(placed: PlacedSite, fac: Facility, edge_km: float) -> ProximityEvidence:
    notes = []
    if fac.precision != "exact":
        detail = f": {fac.precision_note.rstrip('. ')}" if fac.precision_note else ""
        notes.append(f"facility position is {fac.precision}{detail}")
    if placed.precision != "exact":
        notes.append(f"site position is {placed.precision} (from the gazetteer)")
    exact = fac.precision == "exact" and placed.precision == "exact"
    return ProximityEvidence(
        site=placed.site.name,
        facility=fac.name,
        facility_id=fac.id,
        facility_kind=fac.kind,
        distance_km=round(edge_km, 2),
        basis="computed",
        precision="exact" if exact else "approximate",
        precision_note="; ".join(notes) or None,
        source=fac.source,
    )


def _same_area(placed: PlacedSite, fac: Facility) -> ProximityEvidence:
    """The site is in the area of a facility placed only at the area's reference point."""
    detail = f" ({fac.precision_note.rstrip('. ')})" if fac.precision_note else ""
    return ProximityEvidence(
        site=placed.site.name,
        facility=fac.name,
        facility_id=fac.id,
        facility_kind=fac.kind,
        distance_km=None,
        basis="same_area",
        precision="area",
        precision_note=f"the facility is placed only at an area reference point{detail}; the "
        "site lies in the same area, at a distance nobody has measured",
        source=fac.source,
    )


def facility_distances(
    placed: PlacedSite, facilities: Sequence[Facility], search_km: float
) -> list[ProximityEvidence]:
    """One-off form of `FacilityIndex.distances` (tests, tools)."""
    return FacilityIndex(facilities).distances(placed, search_km)


def declared_distances(site: Site) -> list[ProximityEvidence]:
    """What the filer states about facilities near the site, labelled as declared."""
    return [
        ProximityEvidence(
            site=site.name,
            facility=d.facility,
            facility_kind=d.kind,
            distance_km=round(d.distance_km, 2),
            basis="declared",
            precision="declared",
            precision_note="distance as declared in the case file, not computed",
        )
        for d in site.declared_nearby
    ]
