"""Create or update the Editors group, with exactly the permissions an editor needs."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from pledges.models import editors_group_name

# What editors add, change and view, and see the history of (and revert).
EDITED_MODELS = (
    "member",
    "pledgetype",
    "pledge",
    "pledgeparty",
    "source",
    "sourcepart",
    "reviewentry",
    "citation",
    "membership",
    "meeting",
    "headlinecount",
)
# What they may also delete. Sources and members are kept: facts point at them. Users and groups are
# managed by superusers only, so no auth permission is given.
DELETED_MODELS = (
    "pledge",
    "pledgeparty",
    "sourcepart",
    "reviewentry",
    "citation",
    "membership",
    "meeting",
    "headlinecount",
)


def editor_permission_codenames() -> list[str]:
    """The codenames (all in the pledges app) of the Editors group's permissions."""
    codenames = []
    for model in EDITED_MODELS:
        codenames += [f"add_{model}", f"change_{model}", f"view_{model}"]
        # Used when SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS is on: view history, revert.
        codenames += [f"view_historical{model}", f"change_historical{model}"]
    codenames += [f"delete_{model}" for model in DELETED_MODELS]
    # Editors cut releases and see them; nobody changes or deletes one (pledges.models.releases).
    codenames += ["add_release", "view_release"]
    return sorted(codenames)


def setup_editors_group() -> tuple[Group, bool, set[str], set[str]]:
    """Make the Editors group hold exactly the editor permissions.

    Returns the group, whether it was created, and the codenames added and removed. Running it
    again changes nothing.
    """
    codenames = editor_permission_codenames()
    permissions = list(Permission.objects.filter(content_type__app_label="pledges", codename__in=codenames))
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        raise CommandError(
            f"These permissions do not exist yet: {', '.join(sorted(missing))}. "
            "Run `manage.py migrate` first."
        )
    group, created = Group.objects.get_or_create(name=editors_group_name())
    before = set(group.permissions.values_list("codename", flat=True))
    group.permissions.set(permissions)
    return group, created, set(codenames) - before, before - set(codenames)


class Command(BaseCommand):
    help = (
        "Create the Editors group, or bring it back to its permissions: add, change and view all the "
        "tracker's data; delete pledges, citations, memberships, meetings and counts; never delete "
        "sources or members; no access to users or groups. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        group, created, added, removed = setup_editors_group()
        name = group.name
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Created the group “{group.name}” with {len(added)} permissions.")
            )
        elif added or removed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Updated the group “{name}”: {len(added)} permissions added, {len(removed)} removed."
                )
            )
        else:
            self.stdout.write(
                f"The group “{name}” already has its {group.permissions.count()} permissions: no change."
            )
