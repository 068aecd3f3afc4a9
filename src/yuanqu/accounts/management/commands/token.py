"""`yuanqu token USERNAME [--reset]`: print a user's API token for scripts (`Authorization: Token …`)."""

from django.core.management.base import BaseCommand, CommandError

from yuanqu.accounts import services
from yuanqu.accounts.models import User


class Command(BaseCommand):
    help = "Print the user's API token, creating it if absent; --reset replaces it with a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="replace the token (the old one stops working)")

    def handle(self, *args, username, reset, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username} / no user {username}")
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用 / user {username} is inactive")
        self.stdout.write(services.api_token(user=user, reset=reset))
