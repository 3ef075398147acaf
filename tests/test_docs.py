"""The documentation site builds with no warning, and every page of its navigation is in it."""

from __future__ import annotations

import re

from tests.conftest import TEMPLATE_DIR, run


def test_the_docs_site_builds_strictly_with_every_page(tmp_path):
    site = tmp_path / "site"
    run(["mkdocs", "build", "--strict", "--site-dir", site], cwd=TEMPLATE_DIR, env={"NO_MKDOCS_2_WARNING": "1"})

    # The nav's "  - Title: page.md" lines (the file's !!python tags keep safe_load out).
    pages = re.findall(r"^  - [^:]+: (\S+\.md)$", (TEMPLATE_DIR / "mkdocs.yml").read_text(), re.MULTILINE)
    assert len(pages) == len(list((TEMPLATE_DIR / "docs").glob("*.md")))
    for page in pages:
        built = site / ("index.html" if page == "index.md" else f"{page.removesuffix('.md')}/index.html")
        assert built.exists(), page
    # The diagrams reach the page as Mermaid, for the theme to draw.
    assert '<pre class="mermaid">' in (site / "architecture/index.html").read_text()
    assert "sequenceDiagram" in (site / "events/index.html").read_text()
