"""Counts kept ready for the pages that sum up the whole dataset: the overview, the members list, the
map, country pages and the sources list.

Each is derived data, never edited: `pledges.tallies` recounts the rows a save or delete touches, in
the same transaction, so a reader sees the counts and the change together or neither. They could be
rebuilt from the facts at any time (`manage.py recount`); `validate_data` checks that they match.
"""

from django.db import models

from .pledges import Status
from .sources import Source


class PartyTally(models.Model):
    """How many published pledges of one type and status a member is a party to (a joint pledge
    counts once for each of its parties)."""

    member = models.ForeignKey("pledges.Member", on_delete=models.CASCADE, related_name="tallies")
    pledge_type = models.ForeignKey("pledges.PledgeType", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status)
    # The status's place in STATUS_RANK, so the database can take the strongest with MAX.
    rank = models.PositiveSmallIntegerField()
    pledges = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "pledge_type", "status"], name="party_tally_unique"),
            models.CheckConstraint(condition=models.Q(pledges__gt=0), name="party_tally_positive"),
        ]
        indexes = [models.Index(fields=["pledge_type", "member"], name="party_tally_type")]

    def __str__(self):
        return f"{self.member_id}/{self.pledge_type_id}/{self.status}: {self.pledges}"


class SourceTally(models.Model):
    """How many of a source's quotes support published facts; a source without one has no row."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, primary_key=True, related_name="tally")
    citations = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(citations__gt=0), name="source_tally_positive")
        ]
        indexes = [models.Index(fields=["-citations", "source"], name="source_tally_ranked")]

    def __str__(self):
        return f"{self.source_id}: {self.citations}"
