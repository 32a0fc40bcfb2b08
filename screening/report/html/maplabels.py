"""Label placement on the site map: each label takes the first free spot around its anchor,
so names stay legible where markers crowd together."""

from __future__ import annotations

from dataclasses import dataclass

from screening.report.html.highlight import CHAR_PX

#: Where a label goes: its anchor point, the texts to try (longest first), and its kind.
Anchor = tuple[tuple[float, float], list[str], str]


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, outer: Box) -> bool:
        horizontal = outer.x0 <= self.x0 and self.x1 <= outer.x1
        return horizontal and outer.y0 <= self.y0 and self.y1 <= outer.y1


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str
    text: str
    kind: str  # marker, link


def place_labels(anchors: list[Anchor], obstacles: list[Box], bounds: Box) -> list[Label]:
    """Greedy placement: each label takes the first spot around its anchor that lies within
    `bounds` and clear of `obstacles` and of the labels placed before it, trying its texts in
    order; a label with no free spot is still drawn, to the right, rather than dropped."""
    taken = list(obstacles)
    labels = []
    for (x, y), texts, kind in anchors:
        spots = [c for t in texts for c in _candidates(x, y, t, kind)]
        label, box = next(
            (c for c in spots if c[1].inside(bounds) and not any(c[1].overlaps(t) for t in taken)),
            _candidates(x, y, texts[-1], kind)[0],
        )
        taken.append(box)
        labels.append(label)
    return labels


def _candidates(x: float, y: float, text: str, kind: str) -> list[tuple[Label, Box]]:
    """Right, left, above and below the anchor, then the same a little further out, with
    the box each would cover."""
    w, h = len(text) * CHAR_PX, 12.0
    spots = []
    for gap in (0.0, 12.0, 24.0):
        r, b = x + 9 + gap, y + 20 + gap  # right edge start, baseline below
        left, top = x - 9 - gap, y - 10 - gap  # left edge end, baseline above
        spots += [
            (Label(r, y + 4, "start", text, kind), Box(r - 1, y - 8, r + 1 + w, y + 6)),
            (Label(left, y + 4, "end", text, kind), Box(left - 1 - w, y - 8, left + 1, y + 6)),
            (Label(x, top, "middle", text, kind), Box(x - w / 2, top - h, x + w / 2, top + 2)),
            (Label(x, b, "middle", text, kind), Box(x - w / 2, b - h + 1, x + w / 2, b + 3)),
        ]
    return spots
