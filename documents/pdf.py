"""HTML to PDF with WeasyPrint, on the Decree 30 base template."""

import unicodedata

from django.conf import settings
from django.template.loader import render_to_string


def nfc(text):
    return unicodedata.normalize("NFC", text)


def html_to_pdf(html):
    from weasyprint import HTML  # imported lazily: heavy, and only workers need it

    return HTML(string=nfc(html), base_url=str(settings.BASE_DIR)).write_pdf()


def render_template_to_pdf(template, context):
    return html_to_pdf(render_to_string(template, context))
