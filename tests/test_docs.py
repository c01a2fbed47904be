"""The README stays short and every link in the documentation leads somewhere.

Relative links in README.md, CONTRIBUTING.md and docs/**/*.md must name an existing file,
and a ``#fragment`` must name a heading of the target as GitHub spells its anchors.
Links inside code (fenced blocks and `spans`) are not links and are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted([README, ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`+[^`\n]*`+")
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose(text: str) -> str:
    """The text without code, where a ``[x](y)`` is an example, not a link."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    body = prose(text)
    return INLINE_LINK.findall(body) + REFERENCE_LINK.findall(body)


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for the headings of ``page``: lower case, punctuation dropped,
    spaces as hyphens, a repeated heading numbered from -1."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def problems(page: Path) -> list[str]:
    found = []
    for target in links(page.read_text(encoding="utf-8")):
        if SCHEME.match(target) or target.startswith("//"):
            continue  # a web address or mailto:, not a file of this repository
        path, _, fragment = target.partition("#")
        resolved = (page.parent / unquote(path)).resolve() if path else page
        if not resolved.exists():
            found.append(f"{target}: no file {resolved.relative_to(ROOT)}")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            found.append(f"{target}: no heading #{fragment} in {resolved.relative_to(ROOT)}")
    return found


def test_the_readme_is_read_in_five_minutes() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines; move detail into docs/"


def test_the_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text
    assert re.search(r"\bmake test\b(?!-)", text)


def test_the_pages_are_found() -> None:
    names = {page.relative_to(ROOT).as_posix() for page in PAGES}
    assert {"README.md", "CONTRIBUTING.md", "docs/architecture.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    assert problems(page) == []


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("see [docs](docs/a.md) and [b](b.md#part)", ["docs/a.md", "b.md#part"]),
        ("an image ![plan](plan.png) and [a page](<page.md>)", ["plan.png", "page.md"]),
        ("`[not](a-link.md)` and\n```\n[neither](x.md)\n```\n", []),
        ("[ref]: docs/ref.md\n", ["docs/ref.md"]),
        ('[titled](t.md "The title")', ["t.md"]),
    ],
    ids=["inline", "image", "code", "reference", "title"],
)
def test_links_are_read_as_github_reads_them(markdown: str, expected: list[str]) -> None:
    assert links(markdown) == expected


def test_anchors_are_spelled_as_github_spells_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n## 5. A conversation script\n## `CONSOLE_SECRET`\n"
        "## Notes\n## Notes\n```\n# not a heading\n```\n",
        encoding="utf-8",
    )
    assert anchors(page) == {
        "title",
        "5-a-conversation-script",
        "console_secret",
        "notes",
        "notes-1",
    }
