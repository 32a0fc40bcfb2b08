"""Geodesics without pyproj's package initialisation (`signals.proximity._geod`): the same
distances as pyproj's `Geod`, and pyproj whole and usual when something imports it later."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CHECK = """
import sys
from screening.signals import proximity

lons1, lats1 = [34.65, 0.0, -179.5, 120.0], [31.8, 0.0, 89.9, -45.0]
lons2, lats2 = [35.0, 0.1, 179.5, -60.0], [32.8, 0.0, -89.9, 45.0]
light = proximity._geod().inv(lons1, lats1, lons2, lats2)
assert not [m for m in sys.modules if m == "pyproj" or m.startswith("pyproj.")], "left behind"

import pyproj
from pyproj import CRS, Geod, Transformer

assert pyproj.geod.Geod is Geod and pyproj.list.get_ellps_map()["WGS84"]
assert Geod(ellps="WGS84").inv(lons1, lats1, lons2, lats2) == light
assert CRS.from_epsg(4326).name == "WGS 84"
assert Transformer.from_crs(4326, 3857).transform(0, 0) == (0, 0)
assert proximity._geod().inv(lons1, lats1, lons2, lats2) == light
print("ok")
"""


def test_light_geodesics_match_pyproj_and_leave_pyproj_whole() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


def test_with_pyproj_imported_first_its_own_geod_is_used() -> None:
    code = "import pyproj\nfrom screening.signals import proximity\n"
    code += "assert type(proximity._geod()) is pyproj.Geod\nprint('ok')\n"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.stdout == "ok\n", done.stderr
