"""Free-text search over pledges: PostgreSQL full-text search, with a simple match on SQLite."""

from django.db import connection
from django.db.models import Q, QuerySet

SEARCH_FIELDS = ("summary", "conditions", "note", "quantity_unit", "pledge_type__name")


def _by_party_name(word: str):
    """Ids of pledges one of whose parties is named with the word (an uncorrelated subquery)."""
    from pledges.models import PledgeParty

    return PledgeParty.objects.filter(member__name__icontains=word).values("pledge_id")


def search_pledges(queryset: QuerySet, text: str) -> QuerySet:
    """Pledges whose words match every word of `text`.

    On PostgreSQL this uses the full-text GIN index on the pledge's own text (migration 0003) plus
    the member and type names; elsewhere a case-insensitive match of each word.
    """
    words = text.split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        from pledges.models import PLEDGE_SEARCH_VECTOR, Pledge

        # Two sets of ids joined by UNION rather than one OR: the text match alone can then use the
        # GIN index (migration 0003), and the member and type names are matched separately.
        query = SearchQuery(text, search_type="websearch", config="english")
        by_text = Pledge.objects.annotate(search=PLEDGE_SEARCH_VECTOR).filter(search=query).values("pk")
        names = Q()
        for word in words:
            names &= Q(pk__in=_by_party_name(word)) | Q(pledge_type__name__icontains=word)
        by_name = Pledge.objects.filter(names).values("pk")
        return queryset.filter(pk__in=by_text.union(by_name))
    condition = Q()
    for word in words:
        matches_word = Q()
        for field in SEARCH_FIELDS:
            matches_word |= Q(**{f"{field}__icontains": word})
        matches_word |= Q(pk__in=_by_party_name(word))
        condition &= matches_word
    return queryset.filter(condition)
