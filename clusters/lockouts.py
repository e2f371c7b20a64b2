"""Each log-in lockout (django-axes) is written to the audit trail of the account's province."""

import logging
from datetime import timedelta

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from . import audit
from .models import User

log = logging.getLogger(__name__)


@receiver(user_locked_out)
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    user = User.objects.filter(username=username).first() if username else None
    if user is None:  # no account of that name: nothing of ours to attach it to
        log.warning("log-in lockout for unknown user name %r from %s", username, ip_address)
        return
    # Axes signals again on every attempt while locked: one event per lockout, not one per try
    # (else anyone knowing a user name could fill the province's audit trail).
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    ip = ip_address or ""
    if audit.history_for(user).filter(action="login.locked_out", at__gte=since, data__ip=ip).exists():
        return
    audit.record(
        actor=None,
        action="login.locked_out",
        obj=user,
        province_id=user.province_id,
        data={"ip": ip, "path": getattr(request, "path", "")},
    )
