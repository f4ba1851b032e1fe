"""The language switch: a link from a page to the same page in the site's other language."""

from django import template
from django.core.exceptions import TooManyFieldsSent

from pledges.languages import in_language, other_languages

register = template.Library()


@register.inclusion_tag("includes/_language_switch.html", takes_context=True)
def language_switch(context) -> dict:
    """Links to this page in the other languages, keeping the query string the page reads.

    The query is the one the page cache left on the request (only the parameters the page reads), so
    a cached page never carries one reader's stray parameters into another reader's links."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    try:
        query = request.GET.urlencode()
    except TooManyFieldsSent:  # the 400 page answering that very query string: link the bare page
        query = ""
    path = request.path + (f"?{query}" if query else "")
    return {"links": [(code, name, in_language(path, code)) for code, name in other_languages()]}
