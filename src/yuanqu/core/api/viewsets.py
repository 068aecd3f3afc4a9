"""A model viewset narrowed to the requesting user's zones."""

from rest_framework import viewsets


class ZoneScopedViewSet(viewsets.ModelViewSet):
    """A model viewset whose queryset is always narrowed to the requesting user's zones."""

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)
