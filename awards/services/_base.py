"""What every awards service shares: the acting user's permission, checked before anything else."""

from django.core.exceptions import PermissionDenied

from clusters.closing import refuse_if_closed


def require(actor, perm, obj):
    """PermissionDenied unless `actor` holds the django-rules permission `perm` on `obj`."""
    refuse_if_closed(obj, perm)  # a closed year refuses every change, whoever asks
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def require_poll_manager(actor, poll):
    """A cluster's poll is run by the year's secretary, a province council's poll by the
    province admin."""
    require(actor, "awards.manage_poll", poll)
