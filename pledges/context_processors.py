"""Context every page's frame needs: the site's name and address and the data's date."""

from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from pledges.models import data_as_of

SITE_NAME = gettext_noop("Ukraine security guarantees tracker")


class Site:
    @property
    def name(self) -> str:
        """The site's name in the reader's language."""
        return gettext(SITE_NAME)

    @property
    def url(self) -> str:
        return settings.SITE_URL

    @cached_property
    def as_of(self):
        """When the published data last changed; queries once, and only when a template reads it."""
        return data_as_of()

    @property
    def release(self):
        """The release this page shows, or None on the live site (pledges.releases)."""
        from pledges.releases import current_release

        return current_release()

    @cached_property
    def latest_release(self):
        """The newest release; queries once, and only when a template reads it."""
        from pledges.models import Release

        return Release.objects.order_by("-number").first()


def site(request) -> dict:
    return {"site": Site()}
