"""Numbered releases: immutable snapshots of everything public, to cite, embed and download as they were.

A release stores only what changed since the release before it. `ReleaseRow` holds one version of one
public row (a pledge, a party, a citation, a source…) as its fields, written when it first appears or
changes, or a `withdrawn` mark when it leaves the public data; the state of release n is, for each
row, its newest version in a release up to n. A release whose data did not change costs no rows.

Nothing here is ever updated: the database refuses an UPDATE of these tables (migration 0015), and the
models refuse to save an existing row or to delete one.
"""

from django.core.exceptions import PermissionDenied
from django.db import models


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Releases are immutable: they are never changed.")

    def delete(self):
        raise PermissionDenied("Releases are immutable: they are never deleted.")


class Immutable(models.Model):
    """A row written once: saving it again or deleting it raises PermissionDenied."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("Releases are immutable: they are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Releases are immutable: they are never deleted.")


class Release(Immutable):
    """One numbered release: when it was cut, by whom, why, and what it changed (counted when cut)."""

    number = models.PositiveIntegerField(unique=True)
    cut_at = models.DateTimeField()
    note = models.TextField(help_text="What this release brings, for readers.")
    note_uk = models.TextField("note (Ukrainian)", blank=True, default="")
    # The editor's name as it was then: the release keeps who cut it even if the account goes.
    cut_by = models.CharField(max_length=150)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    # SHA-256 of every public row's digest, in order: the state's fingerprint (its database's name).
    fingerprint = models.CharField(max_length=64, blank=True)
    # The stored size of this release: its rows' data and its download files (compressed).
    rows_bytes = models.PositiveBigIntegerField(default=0)
    files_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="release_number_positive")
        ]

    def __str__(self):
        return f"Release {self.number}"

    @property
    def changes(self) -> int:
        return self.added + self.changed + self.withdrawn


class ReleaseRow(Immutable):
    """One version of one public row, first part of release `release`; `withdrawn` when it left."""

    release = models.ForeignKey(
        Release, to_field="number", db_column="release_number", on_delete=models.PROTECT, related_name="rows"
    )
    model = models.CharField(max_length=60)  # the model's label, "pledges.pledge"
    object_id = models.BigIntegerField()
    withdrawn = models.BooleanField(default=False)
    data = models.JSONField(null=True, blank=True)  # the row's public fields; empty when withdrawn
    digest = models.CharField(max_length=64)  # of the fields compared between releases

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id", "release"], name="release_row_once"),
            models.CheckConstraint(
                condition=models.Q(withdrawn=True, data__isnull=True)
                | models.Q(withdrawn=False, data__isnull=False),
                name="release_row_data_unless_withdrawn",
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.object_id} in release {self.release_id}"


class ReleaseMember(Immutable):
    """A member whose public data (the member, its roles, its pledges and their quotes) changed in the
    release: what a pinned embed asks to say "updated since"."""

    release = models.ForeignKey(
        Release, to_field="number", db_column="release_number", on_delete=models.PROTECT, related_name="+"
    )
    member_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member_id", "release"], name="release_member_once")]

    def __str__(self):
        return f"member {self.member_id} in release {self.release_id}"


class ReleaseFile(Immutable):
    """A download as it was built when the release was cut, kept byte for byte, with the SHA-256 of the
    file as served: its bytes compressed (`compression`), or none of its own when the zip named by
    `inside` holds it whole (each CSV, the Data Package)."""

    release = models.ForeignKey(
        Release, to_field="number", db_column="release_number", on_delete=models.PROTECT, related_name="files"
    )
    name = models.CharField(max_length=100)  # as under /download/: "tracker.json", "pledges.csv"
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    compression = models.CharField(max_length=10, blank=True)  # "br", or "" for bytes as they are
    inside = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(blank=True)

    class Meta:
        ordering = ["release", "name"]
        constraints = [models.UniqueConstraint(fields=["release", "name"], name="release_file_once")]

    def __str__(self):
        return f"{self.name} of release {self.release_id}"
