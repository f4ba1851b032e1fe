"""Template tags of the editors' pages in the admin."""

from django import template
from django.urls import reverse
from django.utils.text import capfirst

from pledges.editors_home import Untranslated
from pledges.editors_home import editors_home as load_home

register = template.Library()

# The admin list filter that selects the facts lacking a Ukrainian text (pledges.admin).
UKRAINIAN_PARAMETER = "ukrainian"


@register.simple_tag
def editors_home(user):
    """The editors' home panels for `user` (pledges.editors_home)."""
    return load_home(user)


@register.filter
def missing_ukrainian_url(row: Untranslated) -> str:
    """The admin list of that kind's public facts lacking a Ukrainian text."""
    opts = row.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + f"?{UKRAINIAN_PARAMETER}=missing"
    return url + "&is_published__exact=1" if row.published_only else url


@register.filter
def verbose_name_plural(model) -> str:
    """A model's plural name, capitalised: "Pledges", "Headline counts"."""
    return capfirst(model._meta.verbose_name_plural)
