"""/api/v1/: read-only JSON. Paths are fixed: clients out there depend on them.

/api/v1/ (index), members/, pledge-types/, pledges/, sources/, citations/, meetings/, counts/, each
with `<slug>/` or `<id>/` for one object, and openapi.json: the routes of the operations in views.py,
named as them (`pledges:api:pledge_list`, `pledges:api:pledge_detail`, …).
"""

from pledges.api import views

app_name = "api"

urlpatterns = views.urlpatterns()
