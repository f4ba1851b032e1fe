"""The members × pledge types table: the strongest status of each member's pledges of each type."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Max, Value, When

from pledges.models import STATUS_RANK, Member, Pledge, PledgeType, Status

RANK_TO_STATUS = {rank: status for status, rank in STATUS_RANK.items()}

STRENGTH = Case(
    *[When(status=status, then=Value(rank)) for status, rank in STATUS_RANK.items()],
    output_field=IntegerField(),
)


@dataclass
class Cell:
    pledge_type: PledgeType
    status: Status | None = None
    count: int = 0


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


def strongest_by_member_and_type(pledges) -> dict[tuple[int, int], tuple[Status, int]]:
    """(member id, type id) → (strongest status, number of pledges). One query, grouped in the database."""
    rows = (
        pledges.order_by()
        .values_list("member_id", "pledge_type_id")
        .annotate(best=Max(STRENGTH), n=Count("pk"))
    )
    return {(m, t): (RANK_TO_STATUS[best], n) for m, t, best, n in rows}


def build_matrix(members, types, pledges=None) -> list[Row]:
    """Rows for `members` (in their order) with a cell per type in `types`. One query."""
    pledges = Pledge.objects.published() if pledges is None else pledges
    members = list(members)
    table = strongest_by_member_and_type(pledges.filter(member__in=[m.pk for m in members]))
    rows = []
    for member in members:
        row = Row(member)
        for pledge_type in types:
            status, count = table.get((member.pk, pledge_type.pk), (None, 0))
            row.cells.append(Cell(pledge_type, status, count))
        rows.append(row)
    return rows


def strongest_by_member(pledges=None) -> dict[int, Status]:
    """member id → the strongest status of all its published pledges. One query."""
    pledges = Pledge.objects.published() if pledges is None else pledges
    rows = pledges.order_by().values_list("member_id").annotate(best=Max(STRENGTH))
    return {member_id: RANK_TO_STATUS[best] for member_id, best in rows}


def group_by(items, key) -> dict:
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)
