"""`yuanqu createuser USERNAME --role ROLE [--zone CODE ...]`: create or update a user from the command line."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yuanqu.accounts import services
from yuanqu.accounts.models import User
from yuanqu.core.access import Role
from yuanqu.core.changelog import acting


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(message for messages in exc.message_dict.values() for message in messages)
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Create a user, or update the user with this name: role, zones, password. "
        f"Roles: {', '.join(Role.values)}. Without --password a password is generated and printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument(
            "--zone",
            action="append",
            dest="zones",
            metavar="CODE",
            help="zone code or name; repeat for several zones (replaces the user's zones)",
        )
        parser.add_argument("--password", help="the password (generated and printed when omitted for a new user)")
        parser.add_argument("--email")
        parser.add_argument("--staff", action="store_true", help="may use the Django admin")

    def handle(self, *args, username, role, zones, password, email, staff, **options):
        try:
            zone_objects = None if zones is None else [services.find_zone(text) for text in zones]
            existing = User.objects.filter(username=username).exists()
            generated = None
            if password is None and not existing:
                password = generated = services.generate_password()
            with transaction.atomic(), acting(source="cli"):
                user = services.create_or_update_user(
                    username=username,
                    role=role,
                    zones=zone_objects,
                    password=password,
                    email=email,
                    is_staff=True if staff else None,
                )
        except (ValidationError, PermissionDenied) as exc:
            text = error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(text) from None

        zone_names = ", ".join(zone.name for zone in user.zones.order_by("name")) or "—"
        verb = "已更新用户 / updated user" if existing else "已创建用户 / created user"
        self.stdout.write(f"{verb} {user.username}: {user.role}, 园区 / zones: {zone_names}")
        if generated:
            self.stdout.write(f"密码 / password: {generated}")
