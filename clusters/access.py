"""Fetching objects for a request: scoped to the user's province (else 404), then a rule (else 403)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Cluster, ClusterYear, Unit, User
from .rules import merged_province_ids_of

ID_MAX = 2**31 - 1  # the database's integer keys and years


def query_int(value):
    """An id or a year from the query string or a form: an int the database can hold, else None
    (so that "abc" or 20 digits find nothing instead of failing with a server error)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) <= ID_MAX else None


def require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# The path from each of clusters' models to its province; other apps pass `via`.
_PROVINCE_PATH = {ClusterYear: "cluster__province", Cluster: "province", Unit: "province", User: "province"}


def province_object(request, model, *, via=None, **lookup):
    """The object of `model` (a model or a queryset) matching `lookup` within the user's
    province, else 404 — also for anonymous users and users without a province. `via` is the
    path to the province (e.g. "cluster_year__cluster__province"); clusters' models know theirs.

    The one look-up every page makes before its rule: another province's object is not found
    (404) rather than forbidden (403)."""
    user = request.user
    if not user.is_authenticated or user.province_id is None:
        raise Http404
    if isinstance(model, QuerySet):
        qs = model
    elif model is ClusterYear:
        qs = ClusterYear.objects.select_related("cluster", "cluster__province")
    else:
        qs = model._default_manager.all()
    via = via or _PROVINCE_PATH.get(qs.model)
    if via is None:
        raise TypeError(f"say how {qs.model.__name__} reaches its province (via=...)")
    try:
        return get_object_or_404(qs.filter(**{f"{via}_id": user.province_id}), **lookup)
    except Http404:
        merged = merged_province_ids_of(user)  # a province merged into the user's: its records too
        if not merged:
            raise
        return get_object_or_404(qs.filter(**{f"{via}_id__in": merged}), **lookup)


def year_for(request, pk, perm):
    cy = province_object(request, ClusterYear, pk=pk)
    require(request.user, perm, cy)
    return cy
