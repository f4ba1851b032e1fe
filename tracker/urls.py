"""The site's URLs: the public pages and API from the pledges app, and the admin at a configurable path."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("pledges.urls")),
]

handler400 = "pledges.views.errors.bad_request"
handler404 = "pledges.views.errors.page_not_found"
handler500 = "pledges.views.errors.server_error"
