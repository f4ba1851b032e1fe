"""`{% dataset_json_ld %}`: the schema.org Dataset of the downloads, as a JSON-LD data block.

A data block is never run, so the Content-Security-Policy allows it; its JSON is escaped as Django's
json_script escapes it (<, > and & as \\u escapes), so no text in it can close the element.
"""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from pledges.datapackage import about_the_dataset, schema_org_dataset

register = template.Library()

ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(value: dict) -> SafeString:
    """`value` as a <script type="application/ld+json"> element, safe to put anywhere in a page."""
    text = json.dumps(value, ensure_ascii=False, indent=1).translate(ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def dataset_json_ld() -> SafeString:
    """Queries the data's dates: two queries."""
    return json_ld(schema_org_dataset(about_the_dataset(with_sources=False)))
