# mypy: disallow-untyped-calls=False
# (distributed's Client, LocalCluster and Future methods are not annotated)
"""Score case files on a Dask distributed cluster, in input order, each case written once.

Why Dask: `distributed` gives a scheduler and workers that run on several machines, detects a
worker that dies and runs its tasks again elsewhere; the local process pool (`runner.py`)
stays the default for one machine.

- The rule pack the parent loaded goes to the cluster once, in a worker plugin: the
  scheduler keeps it and installs it on every worker, also on one that joins or restarts
  later. Each worker process builds one `Screener` per pack digest, on first use.
- A task screens a chunk of files and returns their outcomes; it has no side effect (the
  records, dossiers included, are written by the parent), so a task that Dask runs again
  after its worker died gives the same cases again and nothing is written twice.
- The parent keeps a bounded window of chunks in flight and reads their results in input
  order: each outcome is yielded once, whatever was retried on the cluster.
- A chunk whose workers kept dying (`KilledWorker`) is split into single files; a file
  whose worker still dies becomes an error record for that file, and the batch goes on.

Workers read the case files by absolute path: the files must be reachable at the same
path on every worker (a shared file system), and the `screening` package installed.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin

from screening.batch.runner import ClusterOptions, Outcome, _Stop, screen_path
from screening.errors import InputError, Location, Problem, printable
from screening.loading.rulepack import RulePack
from screening.pipeline.screen import Screener
from screening.waivers import WaiverSet

#: Files per task at most: a task costs the scheduler a few milliseconds, a case about 3 ms.
CHUNK = 16
#: Chunks in flight per worker thread: enough to keep every worker busy while the parent
#: writes, few enough that a large batch does not sit in the scheduler's memory.
WINDOW_PER_THREAD = 3
#: Screeners a worker process keeps (one per pack digest), oldest dropped first.
KEEP_SCREENERS = 2
KEY_PREFIX = "screening-chunk"


# ---------------------------------------------------------------- worker side

_PACKS: dict[str, RulePack] = {}
_SCREENERS: dict[str, Screener] = {}
# The C extension never releases the GIL, so a worker's threads gain nothing; one case at a
# time per process also keeps to the engine's one-engine-per-process rule.
_LOCK = threading.Lock()


class PackPlugin(WorkerPlugin):
    """Hands the rule pack to each worker process: the scheduler keeps the plugin and
    installs it on every worker, also on one that starts after a crash."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.name = f"screening-pack-{pack.digest[:16]}"

    def setup(self, worker: Any) -> None:
        _PACKS[self.pack.digest] = self.pack


def _screener(digest: str) -> Screener:
    screener = _SCREENERS.get(digest)
    if screener is None:
        pack = _PACKS.get(digest)
        if pack is None:  # raised: Dask retries the task, on this worker or another
            raise RuntimeError(f"rule pack {digest[:12]} is not installed on this worker")
        while len(_SCREENERS) >= KEEP_SCREENERS:
            _SCREENERS.pop(next(iter(_SCREENERS))).close()
        screener = _SCREENERS[digest] = Screener(pack)
    return screener


def screen_chunk(
    digest: str,
    items: Sequence[tuple[str, str]],
    dossiers: bool,
    waivers: WaiverSet | None = None,
) -> list[Outcome]:
    """Outcomes of `items` (shown path, absolute path), in order. Idempotent: it only reads."""
    with _LOCK:
        try:
            screener = _screener(digest)
        except RuntimeError:
            raise
        except Exception as exc:  # reported per case, as the local pool does
            message = f"the worker process could not start: {type(exc).__name__}: {exc}"
            return [
                Outcome(
                    printable(s), problems=(Problem(Location(printable(s)), message, "internal"),)
                )
                for s, _ in items
            ]
        return [
            screen_path(screener, s, dossier=dossiers, source=a, waivers=waivers) for s, a in items
        ]


# ---------------------------------------------------------------- parent side


def _client(options: ClusterOptions) -> tuple[Client, Any]:
    if options.scheduler is None:
        cluster = LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        return Client(cluster), cluster
    try:
        return Client(options.scheduler, timeout="20s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    Location(options.scheduler),
                    f"cannot reach the Dask scheduler: {exc}",
                    "cluster",
                )
            ]
        ) from None


def _threads(client: Client) -> int:
    return max(1, int(sum(client.nthreads().values())))


def _chunks(paths: Iterable[str], size: int) -> Iterator[tuple[tuple[str, str], ...]]:
    chunk: list[tuple[str, str]] = []
    for p in paths:
        chunk.append((p, str(Path(p).absolute())))
        if len(chunk) >= size:
            yield tuple(chunk)
            chunk = []
    if chunk:
        yield tuple(chunk)


def run_dask(
    paths: Iterable[str],
    pack: RulePack,
    options: ClusterOptions,
    dossiers: bool = False,
    waivers: WaiverSet | None = None,
) -> Iterator[Outcome]:
    """Outcomes of `paths`, in their order, screened on a Dask cluster."""
    with _Stop() as stop, contextlib.ExitStack() as stack:
        client, cluster = _client(options)
        if cluster is not None:
            stack.callback(cluster.close)
        stack.callback(client.close)
        plugin = PackPlugin(pack)
        client.register_plugin(plugin, name=plugin.name)
        token = uuid.uuid4().hex[:12]
        threads = _threads(client)
        size = CHUNK
        if isinstance(paths, Sequence):  # small batches: enough chunks for every worker
            size = max(1, min(CHUNK, len(paths) // (4 * threads)))

        def submit(n: int, items: Sequence[tuple[str, str]]) -> Future[list[Outcome]]:
            return client.submit(
                screen_chunk,
                pack.digest,
                items,
                dossiers,
                waivers,
                key=f"{KEY_PREFIX}-{token}-{n}",
                retries=2,
                pure=False,
            )

        chunks = enumerate(_chunks(paths, size))
        pending: deque[tuple[int, Sequence[tuple[str, str]], Future[list[Outcome]]]] = deque()
        checked = time.monotonic()

        def refill() -> None:
            nonlocal threads, checked
            if time.monotonic() - checked > 5:  # workers may join or leave during a batch
                threads, checked = _threads(client), time.monotonic()
            while len(pending) < WINDOW_PER_THREAD * threads + 1:
                nxt = next(chunks, None)
                if nxt is None:
                    return
                n, items = nxt
                pending.append((n, items, submit(n, items)))

        refill()
        while pending:
            n, items, future = pending.popleft()
            try:
                outcomes = future.result()
            except KilledWorker:
                outcomes = list(
                    _one_by_one(client, n, items, token, (dossiers, waivers), pack.digest)
                )
            finally:
                future.release()
            refill()
            for outcome in outcomes:
                stop.check()
                yield outcome
                stop.check()


def _one_by_one(
    client: Client,
    n: int,
    items: Sequence[tuple[str, str]],
    token: str,
    options: tuple[bool, WaiverSet | None],
    digest: str,
) -> Iterator[Outcome]:
    """A chunk whose workers kept dying, file by file: find the file that kills them.
    `options`: dossiers wanted, waivers to apply."""
    futures = [
        client.submit(
            screen_chunk, digest, [item], *options, key=f"{KEY_PREFIX}-{token}-{n}.{i}", pure=False
        )
        for i, item in enumerate(items)
    ]
    for (shown_path, _), future in zip(items, futures, strict=True):
        try:
            yield from future.result()
        except KilledWorker:
            shown = printable(shown_path)
            message = (
                "the worker screening this case died every time it was tried "
                "(a crash in the rules engine?)"
            )
            yield Outcome(shown, problems=(Problem(Location(shown), message, "internal"),))
        finally:
            future.release()
