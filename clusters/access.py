"""Fetching objects for a request: scoped to the user's province (else 404), then a rule (else 403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Cluster, ClusterYear, Unit, User


def require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def province_object(request, model, **lookup):
    user = request.user
    if not user.is_authenticated or user.province_id is None:
        raise Http404
    if model is ClusterYear:
        qs = ClusterYear.objects.select_related("cluster", "cluster__province").filter(
            cluster__province_id=user.province_id
        )
    elif model in (Cluster, Unit, User):
        qs = model.objects.filter(province_id=user.province_id)
    else:
        raise TypeError(model)
    return get_object_or_404(qs, **lookup)


def year_for(request, pk, perm):
    cy = province_object(request, ClusterYear, pk=pk)
    require(request.user, perm, cy)
    return cy
