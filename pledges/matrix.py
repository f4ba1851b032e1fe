"""The members × pledge types table: the strongest status of each member's pledges of each type.

Read from the tallies (`pledges.models.tallies`), kept ready as pledges change: the table costs one
query over a few rows per member, whatever the number of pledges.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from django.db.models import Case, IntegerField, Max, Sum, Value, When
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from pledges.models import STATUS_RANK, Member, PartyTally, PledgeType, Status
from pledges.translations import translated

RANK_TO_STATUS = {rank: status for status, rank in STATUS_RANK.items()}


def strength(field: str = "status") -> Case:
    """A status as its rank (STATUS_RANK), so the database can take the strongest with MAX."""
    return Case(
        *[When(**{field: status}, then=Value(rank)) for status, rank in STATUS_RANK.items()],
        output_field=IntegerField(),
    )


STRENGTH = strength()


@dataclass
class Cell:
    pledge_type: PledgeType
    status: Status | None = None
    count: int = 0
    html: str = ""


@dataclass
class Row:
    member: Member
    cells: list[Cell] = field(default_factory=list)

    @property
    def strongest(self) -> Status | None:
        statuses = [cell.status for cell in self.cells if cell.status]
        return max(statuses, key=STATUS_RANK.__getitem__) if statuses else None

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)


def strongest_by_member_and_type(member_ids) -> dict[tuple[int, int], tuple[Status, int]]:
    """(member id, type id) → (strongest status, number of published pledges), a joint pledge counting
    for each of its parties. One query over the tallies."""
    rows = (
        PartyTally.objects.filter(member_id__in=member_ids)
        .order_by()
        .values_list("member_id", "pledge_type_id")
        .annotate(best=Max("rank"), n=Sum("pledges"))
    )
    return {(m, t): (RANK_TO_STATUS[best], n) for m, t, best, n in rows}


def build_matrix(members, types) -> list[Row]:
    """Rows for `members` (in their order) with a cell per type in `types`. One query."""
    members = list(members)
    table = strongest_by_member_and_type([m.pk for m in members])
    rows = []
    for member in members:
        row = Row(member)
        for pledge_type in types:
            status, count = table.get((member.pk, pledge_type.pk), (None, 0))
            row.cells.append(Cell(pledge_type, status, count))
        rows.append(row)
    return rows


def strongest_by_member() -> dict[int, Status]:
    """member id → the strongest status of all its published pledges (as any party). One query."""
    rows = PartyTally.objects.order_by().values_list("member_id").annotate(best=Max("rank"))
    return {member_id: RANK_TO_STATUS[best] for member_id, best in rows}


def group_by(items, key) -> dict:
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)


EMPTY_CELL = '<td class="cell cell-none"><span class="visually-hidden">{}</span></td>'


def render_cells(rows: list[Row]) -> list[Row]:
    """Give each cell its HTML: a link to the member's pledges of that type, with the status badge.

    Built here rather than in the template: the matrix can hold thousands of cells, so each name is
    escaped once per row or column and each cell is plain string formatting.
    """
    from pledges.templatetags.tracker import status_badge

    list_url = reverse("pledges:pledge_list")
    empty_cell = mark_safe(EMPTY_CELL.format(escape(gettext("None recorded"))))
    types = {}
    for row in rows:
        member_name = escape(translated(row.member, "name"))
        member_slug = escape(quote(row.member.slug))
        for cell in row.cells:
            if not cell.status:
                cell.html = empty_cell
                continue
            if cell.pledge_type.pk not in types:
                types[cell.pledge_type.pk] = (
                    escape(translated(cell.pledge_type, "name")),
                    escape(quote(cell.pledge_type.slug)),
                )
            type_name, type_slug = types[cell.pledge_type.pk]
            count = ""
            if cell.count > 1:
                pledges = ngettext("%(count)s pledge", "%(count)s pledges", cell.count)
                count = ", " + pledges % {"count": cell.count}
            label = f"{member_name}, {type_name}: {Status(cell.status).label}{count}"
            cell.html = mark_safe(  # every value above is escaped
                f'<td class="cell cell-{cell.status}"><a href="{list_url}?member={member_slug}&amp;'
                f'type={type_slug}" aria-label="{label}">{status_badge(cell.status, cell.count)}</a></td>'
            )
    return rows
