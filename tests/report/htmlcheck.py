"""Helpers for the HTML report tests: screen cases with the real pack, parse the output.

The parser is the standard library's, so the tests see the page the way a browser's
tokenizer would: an escaping mistake shows up as an element or attribute, not as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.result import Result
from screening.pipeline.screen import Screener
from tests.conftest import ROOT

HOSTILE = Path(__file__).with_name("hostile.yaml")
REAL_CASES = sorted((ROOT / "cases").glob("*.yaml"))

#: Every element the reports may contain; anything else was injected.
ALLOWED_TAGS = frozenset(
    {
        *("html", "head", "meta", "title", "style", "body", "main", "header", "footer"),
        *("section", "article", "figure", "figcaption", "h1", "h2", "h3", "h4", "p"),
        *("ul", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td"),
        *("div", "span", "strong", "b", "small", "br", "a", "code", "mark", "blockquote"),
        *("svg", "g", "rect", "line", "polygon", "circle", "path", "text", "tspan"),
    }
)
VOID_TAGS = frozenset({"meta", "br", "rect", "line", "polygon", "circle", "path"})
#: A URL with a scheme (http:, javascript:, data:, ...) or a host: the reports only link to
#: dossiers written beside them, by relative path.
EXTERNAL_URL = re.compile(r"^\s*(?://|\\\\|[a-z][a-z0-9+.-]*:)", re.I)


@dataclass(frozen=True)
class Screened:
    path: Path
    case: Case
    result: Result


def screen_all(pack: RulePack, paths: list[Path]) -> dict[str, Screened]:
    """Screen each file with one screener; keyed by file stem."""
    screener = Screener(pack)
    try:
        out = {}
        for path in paths:
            case, digest = load_case(path, pack)
            shown = str(path.relative_to(ROOT))
            result = screener.screen(case, case_digest=digest, case_path=shown)
            out[path.stem] = Screened(path, case, result)
        return out
    finally:
        screener.close()


@dataclass
class Element:
    """One element, the text inside it, and every element inside it."""

    tag: str
    attrs: dict[str, str]
    attr_names: list[str]
    text: str = ""
    descendants: list[Element] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def find(
        self, tag: str | None = None, *, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        """Elements inside this one by tag, class and exact attribute values (`id_` for id)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            e
            for e in self.descendants
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in wanted.items())
        ]

    def one(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Element:
        found = self.find(tag, cls=cls, **attrs)
        assert len(found) == 1, f"expected one {tag} {cls} {attrs}, found {len(found)}"
        return found[0]


class Page(Element):
    """The whole document, as an element holding all others."""

    def __init__(self) -> None:
        super().__init__("#document", {}, [])

    @property
    def title(self) -> str:
        return self.find("title")[0].text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[Element] = [self.page]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, [k for k, _ in attrs])
        for outer in self.open:
            outer.descendants.append(element)
        if tag not in VOID_TAGS:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, [k for k, _ in attrs])
        for outer in self.open:
            outer.descendants.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, 0, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def parse(html: str) -> Page:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.page


def assert_inert(page: Page) -> None:
    """Nothing in the page can run or fetch: no script, no handler, no foreign element, no
    URL leaving the file, and a CSP that would forbid them anyway."""
    stray = {e.tag for e in page.descendants} - ALLOWED_TAGS
    assert not stray, f"unexpected elements: {sorted(stray)}"
    for e in page.descendants:
        handlers = [n for n in e.attr_names if n.lower().startswith("on")]
        assert not handlers, f"<{e.tag}> has event handler attributes {handlers}"
        for name in ("href", "src", "xlink:href", "action", "formaction"):
            if name in e.attrs:
                assert not EXTERNAL_URL.match(e.attrs[name]), f"<{e.tag} {name}={e.attrs[name]}>"
    (csp,) = [
        m for m in page.find("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    policy = csp.attrs["content"]
    assert "default-src 'none'" in policy and "script-src" not in policy, policy
