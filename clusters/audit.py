"""The one way to write to the audit log."""

from decimal import Decimal

from .models import AuditEvent


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(*, actor, action, obj, province_id=None, data=None, reason=""):
    """Append one event. `obj` is any model instance; its province is taken when known."""
    if province_id is None:
        province_id = getattr(obj, "province_id", None)
    return AuditEvent.objects.create(
        province_id=province_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=_plain(data or {}),
        reason=reason or "",
    )


def history_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
