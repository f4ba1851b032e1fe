"""Public URLs. Paths are fixed: reports and links out there depend on them."""

from django.urls import include, path
from django.views.generic import TemplateView

from pledges import feeds
from pledges.views import (
    discovery,
    downloads,
    embed,
    errors,
    members,
    overview,
    pages,
    pledges,
    releases,
    sources,
)

app_name = "pledges"

urlpatterns = [
    path("", overview.OverviewView.as_view(), name="overview"),
    path("healthz/", errors.health, name="health"),
    # /members/
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/<slug:slug>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("members/<slug:slug>/embed/", embed.member_embed, name="member_embed"),
    path("members/<slug:slug>/card.svg", embed.member_card, name="member_card"),
    path("members/<slug:slug>/card.png", embed.member_card_png, name="member_card_png"),
    # /pledges/
    path("pledges/", pledges.PledgeListView.as_view(), name="pledge_list"),
    path("pledges/<int:pk>/", pledges.PledgeDetailView.as_view(), name="pledge_detail"),
    # /types/
    path("types/<slug:slug>/", pages.TypeDetailView.as_view(), name="type_detail"),
    # /sources/
    path("sources/", sources.SourceListView.as_view(), name="source_list"),
    path("sources/<slug:slug>/", sources.SourceDetailView.as_view(), name="source_detail"),
    # /meetings/, /changes/, /about/
    path("meetings/", pages.MeetingListView.as_view(), name="meeting_list"),
    path("changes/", pages.ChangeListView.as_view(), name="change_list"),
    path("about/", pages.AboutView.as_view(), name="about"),
    # /api/
    path("api/", pages.ApiDocsView.as_view(), name="api_docs"),
    path(
        "api/reference/",
        TemplateView.as_view(template_name="pledges/api_reference.html"),
        name="api_reference",
    ),
    path("api/v1/", include("pledges.api.urls")),
    # /download/, /feeds/, /oembed/
    path("download/", downloads.download_page, name="download"),
    path("download/tracker.json", downloads.download_json, name="download_json"),
    path("download/tracker-csv.zip", downloads.download_csv_zip, name="download_csv"),
    path("download/datapackage.json", downloads.download_datapackage, name="download_datapackage"),
    path("download/<slug:table>.csv", downloads.download_table, name="download_table"),
    path("feeds/pledges.atom", feeds.PledgeFeed(), name="feed_pledges"),
    path("feeds/members/<slug:slug>.atom", feeds.MemberPledgeFeed(), name="feed_member"),
    path("feeds/types/<slug:slug>.atom", feeds.TypePledgeFeed(), name="feed_type"),
    path("oembed/", embed.oembed, name="oembed"),
    # /releases/: numbered releases; /releases/<n>/<any page> is that page at the release (pledges.releases)
    path("releases/", releases.ReleaseListView.as_view(), name="release_list"),
    path("releases/feed.atom", releases.release_feed, name="release_feed"),
    path("releases/<int:number>/", releases.release_detail, name="release_detail"),
    # /robots.txt, /sitemap.xml (an index of /sitemap-<section>.xml), /favicon.ico
    path("robots.txt", discovery.robots_txt, name="robots"),
    path("sitemap.xml", discovery.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", discovery.sitemap, name="sitemap_section"),
    path("favicon.ico", discovery.favicon, name="favicon"),
]
