"""Markdown to safe HTML: render with Python-Markdown, sanitise with nh3."""

import markdown
import nh3

_EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(text: str) -> str:
    """Render Markdown text to HTML that is safe to show as-is."""
    return sanitize_html(markdown.markdown(text, extensions=_EXTENSIONS, output_format="html"))


def sanitize_html(html: str) -> str:
    """HTML with anything unsafe (scripts, event handlers, javascript: links) removed."""
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")
