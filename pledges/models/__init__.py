"""The tracker's data: who promised Ukraine what, and the documents that say so.

Every fact shown to the public (a pledge, a member's role in the coalition, a meeting, a headline
count) carries citations: a verbatim quote from an archived source document. The database enforces
what must always hold; the rest is checked by `manage.py validate_data`.

One module per domain: `sources` (documents, their parts, the review ledgers), `members` (actors and
their roles), `pledges` (pledges, their parties and types), `meetings` (meetings and headline counts),
`citations` (the quotes), `common` (dates, qualified numbers), `tallies` (counts kept ready for the
pages that sum up the whole dataset).
"""

from .citations import Citation, CitationQuerySet, citation_ref, data_as_of, editors_group_name
from .common import (
    DatePrecision,
    Qualifier,
    SlugManager,
    format_number,
    format_partial_date,
    iso_partial_date,
    normalise_whitespace,
    partial_date_constraint,
    qualified,
)
from .meetings import CountKind, HeadlineCount, Meeting, MeetingFormat
from .members import (
    Member,
    MemberKind,
    Membership,
    MembershipRole,
    PublicFactQuerySet,
    Region,
    membership_ref,
    published_memberships,
)
from .pledges import (
    LADDER,
    PLEDGE_SEARCH_VECTOR,
    STANCES,
    STATUS_DESCRIPTIONS,
    STATUS_ICONS,
    STATUS_RANK,
    Currency,
    Pledge,
    PledgeParty,
    PledgeQuerySet,
    PledgeType,
    Status,
    is_stance,
    parties_prefetch,
    strongest_status,
)
from .releases import Release, ReleaseFile, ReleaseMember, ReleaseRow
from .sources import ReviewEntry, ReviewReason, Source, SourceKind, SourcePart, part_starts
from .tallies import PartyTally, SourceTally
from .versions import DataVersion

# The old name of the shared qualifier choices, used by headline counts.
CountQualifier = Qualifier

__all__ = [
    "LADDER",
    "PLEDGE_SEARCH_VECTOR",
    "STANCES",
    "STATUS_DESCRIPTIONS",
    "STATUS_ICONS",
    "STATUS_RANK",
    "Citation",
    "CitationQuerySet",
    "CountKind",
    "CountQualifier",
    "Currency",
    "DataVersion",
    "DatePrecision",
    "HeadlineCount",
    "Meeting",
    "MeetingFormat",
    "Member",
    "MemberKind",
    "Membership",
    "MembershipRole",
    "PartyTally",
    "Pledge",
    "PledgeParty",
    "PledgeQuerySet",
    "PledgeType",
    "PublicFactQuerySet",
    "Qualifier",
    "Region",
    "Release",
    "ReleaseFile",
    "ReleaseMember",
    "ReleaseRow",
    "ReviewEntry",
    "ReviewReason",
    "SlugManager",
    "Source",
    "SourceKind",
    "SourcePart",
    "SourceTally",
    "Status",
    "citation_ref",
    "data_as_of",
    "editors_group_name",
    "format_number",
    "format_partial_date",
    "is_stance",
    "iso_partial_date",
    "membership_ref",
    "normalise_whitespace",
    "parties_prefetch",
    "part_starts",
    "partial_date_constraint",
    "published_memberships",
    "qualified",
    "strongest_status",
]
