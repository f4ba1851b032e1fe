"""The site's URLs: the public pages and API from the pledges app, and the admin at a configurable path.

The public pages are in English at their original addresses and in Ukrainian under /uk/
(`prefix_default_language=False`), so every link, embed and feed already published keeps working.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    *i18n_patterns(path("", include("pledges.urls")), prefix_default_language=False),
]

handler400 = "pledges.views.errors.bad_request"
handler404 = "pledges.views.errors.page_not_found"
handler500 = "pledges.views.errors.server_error"
