"""Ownership chains and shares: the values `signals.ownership` combines along its walk.

A node's `Share` is what each state holds of it, the strongest chains to those states (at
most `MAX_PATHS`, in graph order) and how many chains there are in all. Chains share their
tails, so extending one by an owner costs one object whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from screening.models.evidence import PathStep

#: The evidence lists at most this many chains, the strongest; the shares count them all.
MAX_PATHS = 20
#: At most this many loops are named per party.
MAX_LOOPS = 3


@dataclass(frozen=True)
class Chain:
    """A chain of owners above a node, nearest first, ending at a state body; chains share
    their tails, so extending one by a step costs one object whatever its length."""

    step: PathStep
    rest: Chain | None
    value: float  # the product of the shown shares along it, as a fraction

    def steps(self) -> list[PathStep]:
        out: list[PathStep] = []
        node: Chain | None = self
        while node is not None:
            out.append(node.step)
            node = node.rest
        return out


def strength(chain: Chain | None) -> float:
    return 1.0 if chain is None else chain.value


@dataclass(frozen=True)
class Share:
    shares: dict[str, float]  # state country -> % of the node it holds
    chains: tuple[Chain | None, ...]  # the strongest, in graph order; None: the node is a state
    count: int = 0  # chains in all
    loops: tuple[str, ...] = ()  # loops cut below the node, written out

    @property
    def total(self) -> float:
        return sum(self.shares.values())


NONE = Share({}, ())


def state(country: str) -> Share:
    return Share({country: 100.0}, (None,), 1)  # the node itself is the state


def one_step(country: str, step: PathStep) -> Share:
    return Share({country: 100.0}, (Chain(step, None, step.percent / 100),), 1)


@dataclass(frozen=True)
class Link:
    name: str
    weight: float  # the share the arithmetic uses
    shown: float  # the share the path shows
    certainty: str
    sub: Share


def combine(links: Iterable[Link]) -> Share:
    """A node's shares from its owners': multiplied along each link, added per state."""
    shares: dict[str, float] = {}
    chains: list[Chain | None] = []
    count = 0
    loops: dict[str, None] = {}
    for link in links:
        loops.update(dict.fromkeys(link.sub.loops))
        if link.sub.total <= 0:
            continue
        for country, share in link.sub.shares.items():
            shares[country] = shares.get(country, 0.0) + link.weight * share / 100
        label = link.name + (" (state)" if link.sub.chains == (None,) else "")
        step = PathStep(name=label, percent=link.shown, certainty=link.certainty)
        chains.extend(Chain(step, c, link.shown / 100 * strength(c)) for c in link.sub.chains)
        count += link.sub.count
    return Share(shares, strongest(chains), count, tuple(loops)[:MAX_LOOPS])


def strongest(chains: list[Chain | None]) -> tuple[Chain | None, ...]:
    """The `MAX_PATHS` strongest chains, in their order (ties: the earlier ones)."""
    if len(chains) <= MAX_PATHS:
        return tuple(chains)
    ranked = sorted(range(len(chains)), key=lambda i: (-strength(chains[i]), i))[:MAX_PATHS]
    return tuple(chains[i] for i in sorted(ranked))


def with_loops(share: Share, loops: tuple[str, ...]) -> Share:
    return Share(share.shares, share.chains, share.count, loops) if loops else share


def figure(n: int) -> str:
    """'1,048,575'; a count too long to read as 'about 10^40'."""
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def chain_text(name: str, chain: list[PathStep]) -> str:
    """'PMEC <- China Harbour (100%) <- SASAC (state) (63.8%, approximate)'."""
    parts = [name]
    for step in chain:
        mark = "" if step.certainty == "reported" else f", {step.certainty}"
        parts.append(f"{step.name} ({step.percent:g}%{mark})")
    return " <- ".join(parts) if chain else f"{name} (itself a state body)"
