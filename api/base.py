"""What every API view shares: JSON answers instead of the login redirect, refusal of
NUL characters in the path and query, and the role permissions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from api.parsers import nul_message
from history import context as history_context
from history.drf import client_label
from numbering.codes import NUMBER_REGEX


def _refuse_nul(request, kwargs) -> None:
    bad = [key for key, value in kwargs.items() if "\x00" in str(value)]
    bad += [key for key, values in request.GET.lists() if any("\x00" in v for v in values)]
    if any("\x00" in key for key in request.GET):
        bad.append("query")
    if bad:
        raise ValidationError({key: [nul_message()] for key in bad}, code="null_characters")


class ApiMixin:
    """Mixed into every API view (APIView and viewsets)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        # The site's login middleware would redirect a script to the login page; the API
        # answers 401/403 itself.
        return login_not_required(super().as_view(*args, **kwargs))

    def initial(self, request, *args, **kwargs):
        _refuse_nul(request, kwargs)
        super().initial(request, *args, **kwargs)
        # After authentication: the services' change log says "API, <token> (<user>)".
        history_context.set_api_client(request.user, label=client_label(request))


class ApiView(ApiMixin, APIView):
    pass


class GenericViewSet(ApiMixin, viewsets.GenericViewSet):
    #: Records are addressed by number (numbering.codes: "/" allowed, so detail actions
    #: are routed before the detail itself: api.urls.Router).
    lookup_value_regex = NUMBER_REGEX

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(self.request, obj)
        return obj


@extend_schema(exclude=True)
class NotFoundView(ApiView):
    """Any other path under /api/ (a number that is not one, a typo): a 404 in the API's
    error shape, not the site's HTML page; a 401 before sign-in."""

    permission_classes = (IsAuthenticated,)

    def get(self, request, *args, **kwargs):
        raise NotFound()

    post = put = patch = delete = head = options = get
