"""The data's version: one row that every change to public data moves, in the change's own transaction."""

from django.db import models


class DataVersion(models.Model):
    """When the editable data last changed: the page cache's and the downloads' key, and Last-Modified.

    The row is updated inside each saving transaction and locks until it commits, so of two editors
    saving at once, the one who commits later always leaves the later time. (The newest history
    record, used before, could belong to the transaction that committed first: a change committed
    after it would then not move the version, and cached pages would miss it.)
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="data_version_single_row")]

    def __str__(self):
        return self.changed_at.isoformat()
