"""A year-end statement as a PDF (ReportLab), with the same content as its page, in
the active language.

Set in Bitstream Vera, which ReportLab ships: Latin scripts and the common currency
signs ($, €, £, ¥) print with no system font installed.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

if TYPE_CHECKING:
    from donations.statements import YearStatement


@cache
def _fonts() -> tuple[str, str]:
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
    return "Vera", "Vera-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=16),
        "heading": ParagraphStyle(
            "heading", parent=base["Normal"], fontName=bold, fontSize=12, leading=16
        ),
        "body": ParagraphStyle(
            "body", parent=base["Normal"], fontName=regular, fontSize=10, leading=14
        ),
        "small": ParagraphStyle(
            "small", parent=base["Normal"], fontName=regular, fontSize=8.5, leading=12
        ),
    }


def _text(value: str) -> str:
    """Plain text for a Paragraph (which reads a little markup)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(statement: YearStatement) -> Table:
    regular, bold = _fonts()
    rows = [[_("Date"), _("Receipt no."), _("Campaign"), _("Amount"), _("Refunded"), _("Net")]]
    rows += [[date_format(line.paid_at, "SHORT_DATE_FORMAT"), line.receipt_number,
              line.campaign[:40], line.amount, line.refunded, line.net]
             for line in statement.lines]  # fmt: skip
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 9),
        ("FONT", (0, 0), (-1, 0), bold, 9),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f3f3")]),
    ]))  # fmt: skip
    return table


def render_pdf(statement: YearStatement) -> bytes:
    styles = _styles()
    donor = statement.donor
    who = f"{donor.first_name} {donor.last_name}".strip()
    title = _("Donation statement %(year)s") % {"year": statement.year}
    story: list[Flowable] = [
        Paragraph(_text(title), styles["title"]),
        Paragraph(_text(statement.organisation), styles["heading"]),
        Paragraph(_text(statement.address), styles["body"]),
        Paragraph(_text(_("Tax id: %(id)s") % {"id": statement.tax_id}), styles["body"]),
        Spacer(1, 0.2 * inch),
        Paragraph(
            _text(_("For %(who)s <%(email)s>") % {"who": who, "email": donor.email}), styles["body"]
        ),
        Paragraph(
            _text(_("Issued %(date)s") % {"date": date_format(statement.issued)}), styles["body"]
        ),
        Spacer(1, 0.2 * inch),
        _table(statement),
        Spacer(1, 0.2 * inch),
        Paragraph(
            _text(
                _("Total given in %(year)s: %(totals)s")
                % {"year": statement.year, "totals": ", ".join(statement.totals)}
            ),
            styles["body"],
        ),
    ]
    if statement.fee_covered:
        story.append(
            Paragraph(_("Amounts include the processing fee you chose to cover."), styles["small"])
        )
    story += [Spacer(1, 0.2 * inch), Paragraph(_text(statement.no_goods), styles["body"])]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, title=title,
        author=statement.organisation, leftMargin=inch, rightMargin=inch,
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()


def text_of(pdf: bytes) -> str:
    """The text a reader of the PDF would copy out of it (the payment run checks it)."""
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)
