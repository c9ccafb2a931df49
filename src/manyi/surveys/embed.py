"""The website widget's snippet: the one ``<script>`` tag a customer's website includes to
show a survey in a button with a slide-in panel, or inline (docs/distribution.md#embed).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

from manyi.errors import FieldError, InvalidInput
from manyi.storage.database import Database
from manyi.surveys.links import survey_link

EmbedMode = Literal["button", "inline"]
DEFAULT_HEIGHT = 520
_ORIGIN = re.compile(r"^https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?$")


def parse_origins(text: str) -> tuple[str, ...]:
    """Origins (``https://www.example.com``) from a comma- or space-separated list,
    lower-cased, in order, without repeats; anything that is not an origin is left out
    (the setting's pattern refuses it at start-up)."""
    found = (o.lower().rstrip("/") for o in re.split(r"[\s,]+", text) if o)
    return tuple(dict.fromkeys(o for o in found if _ORIGIN.match(o)))


@dataclass(frozen=True)
class EmbedSnippet:
    survey_id: int
    #: The widget's script.
    script_url: str
    #: The form in embed mode, as the widget's frame opens it (without ``origin=``).
    form_url: str
    #: The tag to paste into the website's HTML.
    snippet: str
    #: The websites allowed to show it (MANYI_EMBED_ORIGINS); none: it shows nowhere.
    allowed_origins: tuple[str, ...]

    @property
    def embeddable(self) -> bool:
        return bool(self.allowed_origins)


def _check(mode: str, height: int, label: str | None) -> None:
    errors = []
    if mode not in ("button", "inline"):
        errors.append(FieldError(("mode",), f"is button or inline, not {mode!r}", "mode"))
    if not 200 <= height <= 2000:
        errors.append(FieldError(("height",), f"is 200 to 2000 pixels, not {height}", "height"))
    if label is not None and not 1 <= len(label.strip()) <= 40:
        errors.append(FieldError(("label",), "is 1 to 40 characters", "label"))
    if errors:
        raise InvalidInput("the widget options are not valid", errors)


def embed_snippet(
    db: Database,
    survey_id: int,
    *,
    base_url: str,
    allowed_origins: tuple[str, ...],
    channel: str | None = None,
    touchpoint: str | None = None,
    language: str | None = None,
    mode: str = "button",
    label: str | None = None,
    height: int = DEFAULT_HEIGHT,
) -> EmbedSnippet:
    """The widget snippet of survey ``survey_id``; the survey and the channel and
    touchpoint codes must exist (as for a QR code: every answer is filed under them)."""
    _check(mode, height, label)
    form_url = survey_link(
        db,
        survey_id,
        base_url=base_url,
        channel=channel,
        touchpoint=touchpoint,
        language=language,
    )
    form_url += ("&" if "?" in form_url else "?") + "embed=1"
    script_url = f"{base_url.rstrip('/')}/s/{survey_id}/embed.js"
    attributes = [
        ("src", script_url),
        ("data-channel", channel),
        ("data-touchpoint", touchpoint),
        ("data-lang", language),
        ("data-mode", mode),
        ("data-label", label.strip() if label and mode == "button" else None),
        ("data-height", str(height) if height != DEFAULT_HEIGHT else None),
    ]
    tag = " ".join(
        f'{name}="{html.escape(value, quote=True)}"' for name, value in attributes if value
    )
    return EmbedSnippet(
        survey_id=survey_id,
        script_url=script_url,
        form_url=form_url,
        snippet=f"<script {tag} async></script>",
        allowed_origins=allowed_origins,
    )
