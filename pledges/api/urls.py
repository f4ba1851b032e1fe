"""/api/v1/: read-only JSON. Paths are fixed: clients out there depend on them."""

from django.urls import path

from pledges.api import views

app_name = "api"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    # /api/v1/members/, /api/v1/pledge-types/, /api/v1/pledges/
    path("members/", views.MemberList.as_view(), name="member_list"),
    path("members/<slug:slug>/", views.MemberDetail.as_view(), name="member_detail"),
    path("pledge-types/", views.PledgeTypeList.as_view(), name="pledge_type_list"),
    path("pledge-types/<slug:slug>/", views.PledgeTypeDetail.as_view(), name="pledge_type_detail"),
    path("pledges/", views.PledgeList.as_view(), name="pledge_list"),
    path("pledges/<int:pk>/", views.PledgeDetail.as_view(), name="pledge_detail"),
    # /api/v1/sources/, /api/v1/citations/
    path("sources/", views.SourceList.as_view(), name="source_list"),
    path("sources/<slug:slug>/", views.SourceDetail.as_view(), name="source_detail"),
    path("citations/", views.CitationList.as_view(), name="citation_list"),
    path("citations/<int:pk>/", views.CitationDetail.as_view(), name="citation_detail"),
    # /api/v1/meetings/, /api/v1/counts/
    path("meetings/", views.MeetingList.as_view(), name="meeting_list"),
    path("meetings/<slug:slug>/", views.MeetingDetail.as_view(), name="meeting_detail"),
    path("counts/", views.CountList.as_view(), name="count_list"),
    path("counts/<slug:slug>/", views.CountDetail.as_view(), name="count_detail"),
]
