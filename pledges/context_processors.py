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

    def in_latest_release(self, obj) -> bool:
        """Whether the pledge, source or member a page is about is in the newest release; one query per
        object, asked once however many parts of the page ask (the embed panel, "Cite this page")."""
        from pledges.releases import state

        latest = self.latest_release
        if latest is None:
            return False
        if obj is None or getattr(obj, "pk", None) is None:
            return True  # a page about no one object exists at every release
        key = (obj._meta.label_lower, obj.pk)
        known = self.__dict__.setdefault("_in_latest", {})
        if key not in known:
            known[key] = state(latest.number).filter(model=key[0], object_id=key[1], withdrawn=False).exists()
        return known[key]


def site(request) -> dict:
    return {"site": Site()}
