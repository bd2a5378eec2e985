"""The participatieverslag: how a consultation went, in one HTML document (and PDF when WeasyPrint is there).

The Omgevingswet asks applicants and councils to say who took part, how, what came out and what was done
with it. This module only renders: the web layer (``ladder.views.staff_report.verslag_context``) gathers the
numbers from the same protected tables as the public results page, so every number matches ``/r/`` and,
where shown, the dashboard's exact count.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .report import dutch_date, number, percent

TEMPLATES = Path(__file__).parent / "templates"


def render_verslag(context: dict) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(number=number, percent=percent, dutch_date=dutch_date)
    return env.get_template("verslag.html").render(**context)


def pdf_of(html: str) -> bytes | None:
    """The verslag as PDF with WeasyPrint, or None when WeasyPrint is not installed."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return None
    return HTML(string=html).write_pdf()
