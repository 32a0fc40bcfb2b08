"""A checked rule pack and its compiled matcher, cached on disk for the next process.

Loading the pack (reading and validating every YAML file, the whole-pack checks) and
building the screener (the durable-rules rules, their shards, the entity, place and facility
indexes) is most of what a one-case `screening screen` does. The result is written once, as
a pickle, to `$SCREENING_CACHE` or the user's cache folder, and the next process loads it.

- **Key**: the pack digest (`pack_digest`: every YAML file's path and bytes), the folder and
  working directory (problem locations are written relative to it), this package's version
  and the size and time of each of its source files, the Python, pydantic and durable-rules
  builds. Any change of any of them is another file, so a changed rule byte is a miss.
- **Never trusted when damaged**: a file starts with a magic line and the sha256 of what
  follows; a file that is short, has another digest or does not unpickle is ignored (and
  replaced by the next write). Errors never reach the user: the pack is then read as without
  a cache.
- **Written atomically**: to a temporary file in the same folder, then renamed over the
  name, so a reader sees a whole file or none, and parallel processes can write at once.
- **Off**: `SCREENING_NO_CACHE=1` (or `screen --no-cache`).

What is pickled is the pack, the extractor's indexes and the matcher's compiled rules and
shards (instance attributes, minus the phrase automaton, which does not pickle and is
rebuilt in about a millisecond, and the durable-rules sessions, registered again). The
file is a pickle: it is read only from the user's own cache folder, which is trusted as
their virtual environment is.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening import __version__
from screening.loading.rulepack import RulePack, pack_digest

if TYPE_CHECKING:
    from screening.pipeline.screen import Screener

#: Bumped when what is stored changes shape.
FORMAT = 1
MAGIC = b"screening-pack-cache 1\n"
#: Files kept in the folder: older entries (other packs, other versions) are removed.
KEEP = 8

#: Attributes rebuilt on load instead of pickled, and per-case state started afresh.
_EXTRACTOR_REBUILT = {"phrases"}
_MATCHER_FRESH = {"_sessions", "_finding_asserted", "_carried", "_cases"}
_STATE_KEYS = {"format", "pack", "extractor", "matcher"}


def disabled() -> bool:
    return os.environ.get("SCREENING_NO_CACHE", "").strip() not in ("", "0")


def cache_dir() -> Path:
    """`$SCREENING_CACHE`, else the platform's user cache folder plus `screening`."""
    env = os.environ.get("SCREENING_CACHE")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "screening" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "screening"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "screening"


def code_fingerprint() -> list[Any]:
    """This package's source files (relative path, size, time) and the builds of what a
    pickle holds or the compiled rules depend on."""
    import durable_rules_engine
    import pydantic

    package = Path(__file__).resolve().parent
    files = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = Path(dirpath, name)
                st = path.stat()
                files.append((path.relative_to(package).as_posix(), st.st_size, st.st_mtime_ns))
    engine = Path(durable_rules_engine.__file__ or "").stat()
    return [
        FORMAT,
        __version__,
        sys.version,
        pydantic.VERSION,
        [engine.st_size, engine.st_mtime_ns],
        files,
    ]


def cache_key(root: Path) -> str:
    """The name of the pack's cache entry (reads every YAML file of the pack)."""
    parts = [
        pack_digest(root),
        str(root.resolve()),
        str(root),
        str(Path.cwd().resolve()),
        code_fingerprint(),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def cache_path(root: Path) -> Path:
    return cache_dir() / f"pack-{cache_key(root)}.pickle"


def read_entry(path: Path) -> dict[str, Any] | None:
    """The stored state, or None when the file is missing, damaged or unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if len(data) <= head or not data.startswith(MAGIC):
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[len(MAGIC) : head]:
        return None
    gc.disable()  # many small objects: the collector would run again and again
    try:
        state = pickle.loads(payload)
    except Exception:
        return None
    finally:
        gc.enable()
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return None
    if not isinstance(state.get("pack"), RulePack) or set(state) != _STATE_KEYS:
        return None
    return state


def write_entry(path: Path, state: dict[str, Any]) -> bool:
    """Write atomically (temporary file, then rename); False when it could not be written."""
    try:
        payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return False
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        tmp = None
    except OSError:
        return False
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    _prune(path)
    return True


def _prune(keep: Path) -> None:
    """Remove the oldest entries beyond `KEEP` (never `keep`)."""
    with contextlib.suppress(OSError):
        entries = sorted(
            (p for p in keep.parent.glob("pack-*.pickle") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP - 1 :]:
            with contextlib.suppress(OSError):
                old.unlink()


def snapshot(screener: Screener) -> dict[str, Any] | None:
    """What is stored of a screener; None when its classes have other attributes than the
    cache knows how to restore (then nothing is cached)."""
    extractor, matcher = vars(screener.extractor), vars(screener.matcher)
    if set(vars(screener)) != {"pack", "extractor", "matcher"}:
        return None
    if not set(extractor) >= _EXTRACTOR_REBUILT or not set(matcher) >= _MATCHER_FRESH:
        return None
    return {
        "format": FORMAT,
        "pack": screener.pack,
        "extractor": {k: v for k, v in extractor.items() if k not in _EXTRACTOR_REBUILT},
        "matcher": {k: v for k, v in matcher.items() if k not in _MATCHER_FRESH},
    }


def restore(state: dict[str, Any]) -> Screener:
    """A screener from stored state: phrase automaton and durable-rules sessions rebuilt."""
    from screening.pipeline.engine import Matcher
    from screening.pipeline.screen import Screener
    from screening.signals.extract import SignalExtractor
    from screening.signals.text import PhraseIndex

    pack = state["pack"]
    extractor = SignalExtractor.__new__(SignalExtractor)
    vars(extractor).update(state["extractor"])
    extractor.phrases = PhraseIndex(pack.phrase_sets.values())
    matcher = Matcher.__new__(Matcher)
    vars(matcher).update(state["matcher"])
    matcher._finding_asserted = set()
    matcher._carried = {}
    matcher._cases = 0
    matcher.open_sessions()
    screener = Screener.__new__(Screener)
    vars(screener).update(pack=pack, extractor=extractor, matcher=matcher)
    return screener


def load_screener(root: Path, *, use_cache: bool = True) -> Screener:
    """A screener for the pack at `root`: from the cache when it holds this pack, else
    loaded, checked and built (and then stored). Raises `InputError` for a pack with errors,
    as `load_rule_pack` does; a cache that cannot be read or written is never an error."""
    path = None
    if use_cache and not disabled():
        with contextlib.suppress(OSError):
            path = cache_path(root)
    if path is not None:
        state = read_entry(path)
        if state is not None:
            with contextlib.suppress(Exception):
                return restore(state)
    from screening.checks import load_rule_pack  # only on a miss: the checks are not small
    from screening.pipeline.screen import Screener

    screener = Screener(load_rule_pack(root))
    if path is not None:
        state = snapshot(screener)
        if state is not None:
            write_entry(path, state)
    return screener


def load_pack(root: Path, *, use_cache: bool = True) -> RulePack:
    """The checked pack at `root`: from the cache when an entry holds it (written by
    `load_screener`), else loaded and checked (not stored: only screening writes entries)."""
    if use_cache and not disabled():
        try:
            state = read_entry(cache_path(root))
        except OSError:
            state = None
        if state is not None:
            pack: RulePack = state["pack"]
            return pack
    from screening.checks import load_rule_pack

    return load_rule_pack(root)
