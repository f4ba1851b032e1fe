"""Create an editor: a staff account in the Editors group, with a password that passes the validators."""

import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from pledges.management.commands.setup_roles import setup_editors_group
from pledges.models import editors_group_name


class Command(BaseCommand):
    help = (
        "Create an editor account: staff, in the Editors group (see setup_roles), not a superuser. "
        "The password is read from standard input with --password-from-stdin (one line), or asked "
        "for twice without being shown. It must pass the site's password validators."
    )
    # Tests hand in their own standard input, as createsuperuser's do.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="The editor's email address.")
        parser.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="Read the password from the first line of standard input instead of asking for it.",
        )

    def handle(self, *args, **options) -> None:
        stdin = options.get("stdin") or sys.stdin
        User = get_user_model()
        username = options["username"].strip()
        email = options["email"].strip()
        if not username:
            raise CommandError("The username cannot be empty.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” is not a valid email address.") from None
        if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            raise CommandError(f"A user named “{username}” already exists.")
        group = Group.objects.filter(name=editors_group_name()).first()
        if group is None:
            group = setup_editors_group()[0]

        password = self.read_password(stdin, options["password_from_stdin"])
        user = User(**{User.USERNAME_FIELD: username}, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            reasons = "\n".join(f"- {message}" for message in error.messages)
            raise CommandError(f"The password was refused; nothing was created:\n{reasons}") from None

        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Created the editor “{username}” in the group “{group.name}”."))

    def read_password(self, stdin, from_stdin: bool) -> str:
        if from_stdin:
            password = stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password was given on standard input.")
            return password
        if not stdin.isatty():
            raise CommandError("There is no terminal to ask for the password: use --password-from-stdin.")
        password = getpass("Password: ")
        if password != getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was created.")
        return password
