"""Template tags of the editors' pages in the admin."""

from django import template

from pledges.editors_home import editors_home as load_home

register = template.Library()


@register.simple_tag
def editors_home(user):
    """The editors' home panels for `user` (pledges.editors_home)."""
    return load_home(user)
