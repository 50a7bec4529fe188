"""Where a donation came from: the UTM parameters and the refcode of the link that
brought the visitor (ActBlue's word for a link's own code), carried from the page's
address through the form onto the donation and into Stripe's metadata."""

from __future__ import annotations

from collections.abc import Mapping

FIELDS = ("utm_source", "utm_medium", "utm_campaign", "refcode")
MAX_LENGTH = 100


def cleaned(value: object) -> str:
    """A source as kept: printable characters only, trimmed, at most MAX_LENGTH."""
    text = "".join(c for c in str(value or "") if c.isprintable())
    return text.strip()[:MAX_LENGTH].strip()


def sources_in(data: Mapping[str, object]) -> dict[str, str]:
    """The sources a query (or a form's data) names, cleaned; the others left out."""
    found = {name: cleaned(data.get(name)) for name in FIELDS}
    return {name: value for name, value in found.items() if value}


def label(source: str, medium: str, campaign: str, refcode: str) -> str:
    """One line for reports: "newsletter / email / winter", "refcode partner-a"."""
    parts = " / ".join(p for p in (source, medium, campaign) if p)
    code = f"refcode {refcode}" if refcode else ""
    return " · ".join(p for p in (parts, code) if p) or "(direct)"
