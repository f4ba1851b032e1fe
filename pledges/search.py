"""Free-text search over pledges, in English and Ukrainian: PostgreSQL full-text search, with a simple
match on SQLite."""

from django.db import connections
from django.db.models import Q, QuerySet

SEARCH_FIELDS = (
    "summary",
    "summary_uk",
    "conditions",
    "conditions_uk",
    "note",
    "note_uk",
    "quantity_unit",
    "pledge_type__name",
    "pledge_type__name_uk",
)


def spellings(word: str) -> set[str]:
    """The word as typed, in lower case, capitalised and in capitals.

    SQLite compares case-insensitively only in ASCII, so "франція" would not find "Франція" by
    `icontains` alone; matching these spellings finds a Ukrainian word however its first letter or the
    whole word is cased, which is how words are written in running text."""
    return {word, word.lower(), word.capitalize(), word.upper()}


def _by_party_name(word: str):
    """Ids of pledges one of whose parties is named with the word, in either language (an uncorrelated
    subquery)."""
    from pledges.models import PledgeParty

    names = Q()
    for spelling in spellings(word):
        names |= Q(member__name__icontains=spelling) | Q(member__name_uk__icontains=spelling)
    return PledgeParty.objects.filter(names).values("pledge_id")


def _by_type_name(word: str) -> Q:
    names = Q()
    for spelling in spellings(word):
        names |= Q(pledge_type__name__icontains=spelling) | Q(pledge_type__name_uk__icontains=spelling)
    return names


def search_pledges(queryset: QuerySet, text: str) -> QuerySet:
    """Pledges whose words match every word of `text`, in English or in Ukrainian.

    On PostgreSQL this uses the full-text GIN index on the pledge's own texts (migration 0010: the
    English stemmed as English, the Ukrainian with the 'simple' configuration) plus the member and
    type names in both languages; elsewhere a case-insensitive match of each word.
    """
    words = text.split()
    if not words:
        return queryset
    if connections[queryset.db].vendor == "postgresql":  # a page at a release reads SQLite
        from django.contrib.postgres.search import SearchQuery

        from pledges.models import PLEDGE_SEARCH_VECTOR, Pledge

        # Two sets of ids joined by UNION rather than one OR: the text match alone can then use the
        # GIN index (migration 0010), and the member and type names are matched separately. The query
        # is read both as English (stemmed, to meet the English texts) and as written (to meet the
        # Ukrainian ones, which are indexed unstemmed).
        query = SearchQuery(text, search_type="websearch", config="english") | SearchQuery(
            text, search_type="websearch", config="simple"
        )
        by_text = Pledge.objects.annotate(search=PLEDGE_SEARCH_VECTOR).filter(search=query).values("pk")
        names = Q()
        for word in words:
            names &= Q(pk__in=_by_party_name(word)) | _by_type_name(word)
        by_name = Pledge.objects.filter(names).values("pk")
        return queryset.filter(pk__in=by_text.union(by_name))
    condition = Q()
    for word in words:
        matches_word = Q()
        for field in SEARCH_FIELDS:
            for spelling in spellings(word):
                matches_word |= Q(**{f"{field}__icontains": spelling})
        matches_word |= Q(pk__in=_by_party_name(word))
        condition &= matches_word
    return queryset.filter(condition)
