"""What every awards service shares: the acting user's permission, checked before anything else."""

from django.core.exceptions import PermissionDenied


def require(actor, perm, obj):
    """PermissionDenied unless `actor` holds the django-rules permission `perm` on `obj`."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied
