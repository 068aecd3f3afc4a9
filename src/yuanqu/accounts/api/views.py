"""API views of users: only for those who may manage users, and only over the users they may manage."""

from django.db import transaction
from rest_framework import permissions, viewsets

from yuanqu.accounts import services
from yuanqu.accounts.api.serializers import UserSerializer
from yuanqu.accounts.models import User
from yuanqu.core.access import can_manage_users


class CanManageUsers(permissions.BasePermission):
    """City and zone administrators; everyone else is refused, reading included."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and can_manage_users(request.user))


class UserViewSet(viewsets.ModelViewSet):
    """Users the requesting administrator may manage (a zone administrator: the users of its zones)."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [CanManageUsers]
    filterset_fields = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "role", "date_joined", "last_login"]

    def get_queryset(self):
        return services.manageable_users(self.request.user).prefetch_related("zones").order_by("username")

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            services.delete_user(user=instance, acting_user=self.request.user)
