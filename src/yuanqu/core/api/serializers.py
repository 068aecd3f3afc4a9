"""A model serializer whose save() goes through the app's service functions."""

from __future__ import annotations

from rest_framework import serializers


class ServiceModelSerializer(serializers.ModelSerializer):
    """Creates and updates by setting the validated values on the instance and calling a service.

    Subclasses implement ``save_instance(instance, validated_data, user)``, which applies the data and
    calls the service (e.g. ``save_enterprise(enterprise=..., user=...)``), so an API write is checked
    exactly like a page or an import: zone rights, validation, change log.
    """

    def create(self, validated_data):
        return self.save_instance(self.Meta.model(), validated_data, user=self.acting_user)

    def update(self, instance, validated_data):
        return self.save_instance(instance, validated_data, user=self.acting_user)

    def save_instance(self, instance, validated_data, *, user):
        raise NotImplementedError

    @property
    def acting_user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @staticmethod
    def assign(instance, values: dict):
        """Set plain field values (and related objects) on the instance."""
        for name, value in values.items():
            setattr(instance, name, value)
        return instance
