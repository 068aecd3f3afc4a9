"""Users in the API: role, zones (restricted to the zones the acting user may hand out), password."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yuanqu.accounts import services
from yuanqu.accounts.models import User
from yuanqu.core.api.fields import ScopedPrimaryKeyRelatedField
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.zones.models import Zone


class UserSerializer(ServiceModelSerializer):
    """A user; writes go through ``accounts.services.save_user``, which applies who-may-manage-whom."""

    zones = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(), many=True, required=False, help_text=_("所属园区编号列表")
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        help_text=_("新密码；不填则不修改"),
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "zones",
            "is_active",
            "is_staff",
            "password",
            "last_login",
            "date_joined",
        ]
        read_only_fields = ["last_login", "date_joined"]

    def save_instance(self, instance, validated_data, *, user):
        zones = validated_data.pop("zones", None)
        password = validated_data.pop("password", None)
        self.assign(instance, validated_data)
        return services.save_user(user=instance, zones=zones, password=password, acting_user=user)
