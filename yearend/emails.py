"""The e-mails of the notifications: at once (a task queued after commit) or a daily digest, as
each person chose. An e-mail is claimed first (emailed_at set under a row lock), so a task run
twice sends nothing twice; one that could not be queued goes out with the next digest run."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import EmailChoice, Notification, NotificationPreference


def _claim(ids):
    """Notifications of `ids` not e-mailed yet, marked as e-mailed now (only one run gets each)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, emailed_at__isnull=True)
            .select_related("user", "cluster_year__cluster")
        )
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
    return rows


def _link(url):
    return settings.SITE_URL + url if url.startswith("/") else url


def email_notifications(ids):
    """Send the immediate e-mails of these notifications. Returns how many were sent."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for n in _claim(ids):
            if not n.user.email:
                continue
            body = "\n\n".join(
                [
                    _("Dear %(name)s,") % {"name": n.user.full_name or n.user.username},
                    n.text,
                    *([str(n.cluster_year)] if n.cluster_year else []),
                    *([_("Open the page to do it: %(link)s") % {"link": _link(n.url)}] if n.url else []),
                    _("You can choose a daily digest instead in the notification settings."),
                ]
            )
            send_mail(
                _("[Emulation] %(text)s") % {"text": n.text[:120]},
                body,
                settings.DEFAULT_FROM_EMAIL,
                [n.user.email],
            )
            sent += 1
    return sent


def send_digests():
    """One e-mail per person who chose the daily digest (and immediate ones not yet sent)."""
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True).exclude(
        user__email=""
    )
    none = NotificationPreference.objects.filter(email=EmailChoice.NONE).values("user_id")
    ids = list(pending.exclude(user_id__in=none).values_list("pk", flat=True))
    by_user = {}
    for n in _claim(ids):
        by_user.setdefault(n.user, []).append(n)
    with translation.override(settings.LANGUAGE_CODE):
        for user, items in by_user.items():
            lines = [f"- {n.text}" + (f"\n  {_link(n.url)}" if n.url else "") for n in items]
            body = "\n\n".join(
                [
                    _("Dear %(name)s,") % {"name": user.full_name or user.username},
                    _("What waits for you in the emulation application:"),
                    "\n".join(lines),
                ]
            )
            send_mail(
                _("[Emulation] %(n)s things wait for you") % {"n": len(items)},
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
    return len(by_user)
