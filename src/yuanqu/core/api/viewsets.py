"""A model viewset narrowed to the requesting user's zones, writing through the app's services."""

from django.db import transaction
from rest_framework import viewsets


class ZoneScopedViewSet(viewsets.ModelViewSet):
    """A model viewset whose queryset is always narrowed to the requesting user's zones.

    Objects of other zones are not in the queryset at all, so reading, changing or deleting them
    answers 404, as for an id that does not exist. Writes run in one transaction; serializers call the
    services, and subclasses implement ``delete_instance`` with the app's delete service.
    """

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.delete_instance(instance, user=self.request.user)

    def delete_instance(self, instance, *, user) -> None:
        raise NotImplementedError
