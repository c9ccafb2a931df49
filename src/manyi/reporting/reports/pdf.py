"""HTML → PDF with WeasyPrint, offline.

The report's HTML carries its CSS inline and its charts as inline SVG, so rendering needs
nothing from outside. The URL fetcher refuses every URL that is not a ``data:`` URI:
no http(s) fetch (a report must never call out, nor leak that it was opened), and no
``file:`` read (a stored name like ``<img src="file:///etc/passwd">`` would otherwise pull
a local file into the PDF; the HTML escapes stored text anyway, this is the second lock).

Chinese glyphs come from the system's fonts through fontconfig: Debian's
``fonts-noto-cjk`` (Noto Sans CJK SC), named first in the report's font stack. Without a
CJK font, WeasyPrint draws boxes; :func:`cjk_font_installed` lets callers say so.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Any

from weasyprint import HTML, URLFetcher

log = logging.getLogger("manyi.reports")

#: The CJK font the report's CSS names first (Debian: fonts-noto-cjk).
CJK_FONT = "Noto Sans CJK SC"


class OfflineFetcher(URLFetcher):  # type: ignore[misc]
    """Refuses any URL but ``data:``; remembers what was refused (tests read it)."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            self.refused.append(url)
            log.warning("report PDF: refused to fetch %s (reports render offline)", url[:200])
            raise ValueError(f"reports render offline: refused {url[:200]!r}")
        return super().fetch(url, headers)


def html_to_pdf(html: str, *, fetcher: OfflineFetcher | None = None) -> bytes:
    """The PDF of a self-contained HTML document (no base URL: relative links resolve to
    nothing)."""
    document = HTML(string=html, url_fetcher=fetcher or OfflineFetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def cjk_font_installed() -> bool | None:
    """Whether fontconfig knows :data:`CJK_FONT` (None when ``fc-list`` is missing)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    found = subprocess.run(
        [fc_list, f":family={CJK_FONT}", "family"],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    return bool(found.stdout.strip())
