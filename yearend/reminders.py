"""Deadline reminders: who has not acted yet, a set number of days before and on the deadline.

Each (person, year, action, deadline, day) is recorded in ReminderSent under a unique
constraint, in the same transaction as the notification and the e-mail: a job that runs twice
(or two workers at once) sends nothing twice, and a failed e-mail is retried on the next run."""

import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.models import Elector, Participation, Poll, PollStatus
from clusters.models import ClusterYear, Role, Stage, User
from emulation.pledges.models import Pledge, PledgeSignature, Registration, SignatureState
from emulation.scoring.models import ScoreSheet, SheetStatus

from . import services
from .models import EmailChoice, NotificationPreference

log = logging.getLogger(__name__)

# Days before the deadline on which a reminder goes out (0 = on the deadline itself).
# Set with the setting YEAREND_REMINDER_DAYS or the environment variable REMINDER_DAYS ("7,3,0").
REMINDER_DAYS = tuple(
    getattr(settings, "YEAREND_REMINDER_DAYS", None)
    or (int(d) for d in os.environ.get("REMINDER_DAYS", "3,0").split(",") if d.strip())
)


@dataclass
class Due:
    user: object
    cluster_year: object
    kind: str
    ref: str
    deadline: object
    days_before: int
    text: str
    url: str


def _people(unit_ids, role):
    """{unit_id: [users with the role]} for the units."""
    people = {}
    for u in User.objects.filter(unit_id__in=unit_ids, roles__role=role, is_active=True).distinct():
        people.setdefault(u.unit_id, []).append(u)
    return people


def _registration(cy, members):
    done = set(
        Registration.objects.filter(cluster_year=cy, submitted_at__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    missing = [u for u in members if u not in done]
    url = reverse("pledges:registration_edit", args=[cy.pk])
    return [
        (
            "registration",
            "",
            user,
            _("Register your unit's emulation targets for %(year)s") % {"year": cy.year},
            url,
        )
        for unit_id, users in _people(missing, Role.UNIT_STAFF).items()
        for user in users
    ]


def _pledge(cy, members):
    pledge = Pledge.objects.filter(cluster_year=cy, final_version__isnull=False).first()
    if pledge is None:
        return []
    signed = set(
        PledgeSignature.objects.filter(
            version_id=pledge.final_version_id, state=SignatureState.DONE
        ).values_list("unit_id", flat=True)
    )
    missing = [u for u in members if u not in signed]
    url = reverse("pledges:sign", args=[cy.pk])
    return [
        ("pledge", "", user, _("Sign the emulation pledge of %(year)s") % {"year": cy.year}, url)
        for unit_id, users in _people(missing, Role.UNIT_LEADER).items()
        for user in users
    ]


def _scores(cy, members):
    done = set(
        ScoreSheet.objects.filter(cluster_year=cy, status=SheetStatus.SUBMITTED).values_list(
            "unit_id", flat=True
        )
    )
    missing = [u for u in members if u not in done]
    return [
        (
            "scores",
            "",
            user,
            _("Submit your unit's self-score for %(year)s") % {"year": cy.year},
            reverse("scoring:sheet", args=[cy.pk, unit_id]),
        )
        for unit_id, users in _people(missing, Role.UNIT_STAFF).items()
        for user in users
    ]


def _ballots(cy, members):
    """Electors who have not voted in a poll open now; its deadline is the poll's closing day."""
    now = timezone.now()
    polls = {
        p.pk: p
        for p in Poll.objects.filter(
            cluster_year=cy, status=PollStatus.OPEN, opens_at__lte=now, closes_at__gt=now
        )
    }
    if not polls:
        return []
    voted = set(Participation.objects.filter(poll_id__in=polls).values_list("poll_id", "user_id"))
    out = []
    for e in Elector.objects.filter(poll_id__in=polls).select_related("user"):
        if (e.poll_id, e.user_id) in voted or not e.user.is_active:
            continue
        poll = polls[e.poll_id]
        out.append(
            (
                "ballot",
                str(poll.pk),
                e.user,
                _("Cast your ballot: %(poll)s") % {"poll": poll.title},
                reverse("awards:vote", args=[poll.pk]),
                timezone.localdate(poll.closes_at),
            )
        )
    return out


CHECKS = {
    Stage.REGISTRATION: (_registration, _pledge),
    Stage.SCORING: (_scores,),
    Stage.VOTING: (_ballots,),
}
# Checks whose items carry their own deadline (a poll closes on its own day, not the stage's):
# they run every time, the others only on a reminder day of the stage's deadline.
OWN_DEADLINES = {_ballots}


def due_reminders(today=None):
    """Everything that should be reminded today (already-sent ones included; sending skips them)."""
    today = today or timezone.localdate()
    out = []
    years = (
        ClusterYear.objects.filter(stage__in=list(CHECKS))
        .select_related("cluster")
        .prefetch_related("memberships")
    )
    for cy in years:
        stage_deadline = cy.deadline_for_stage()
        stage_due = stage_deadline is not None and (stage_deadline - today).days in REMINDER_DAYS
        checks = [c for c in CHECKS[cy.stage] if stage_due or c in OWN_DEADLINES]
        if not checks:
            continue
        members = [m.unit_id for m in cy.memberships.all()]
        for check in checks:
            for kind, ref, user, text, url, *own in check(cy, members):
                deadline = own[0] if own else stage_deadline
                days_before = (deadline - today).days
                if days_before in REMINDER_DAYS:
                    out.append(Due(user, cy, kind, ref, deadline, days_before, text, url))
    return out


def _message(due):
    when = (
        _("The deadline is today (%(date)s).")
        if due.days_before == 0
        else _("The deadline is %(date)s, in %(days)s days.")
    ) % {"date": due.deadline.strftime("%d/%m/%Y"), "days": due.days_before}
    return f"{due.text}. {when}"


def _email(due, text):
    link = settings.SITE_URL + due.url
    subject = _("[Emulation] Reminder: %(text)s") % {"text": due.text}
    body = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": due.user.full_name or due.user.username},
            f"{text}",
            f"{due.cluster_year.cluster.name} – {due.cluster_year.year}",
            _("Open the page to do it: %(link)s") % {"link": link},
            _("This message was sent automatically; it is sent only once for this deadline."),
        ]
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [due.user.email])


def send_reminders(today=None):
    """Send what is due and not yet sent. Returns the number of reminders sent."""
    today = today or timezone.localdate()
    sent = 0
    dues = due_reminders(today)
    # the person's e-mail choice holds for reminders too: a digest reader gets it in the digest
    # (the notification is left un-e-mailed), someone who chose no e-mail gets none
    choices = dict(
        NotificationPreference.objects.filter(user_id__in={d.user.pk for d in dues}).values_list(
            "user_id", "email"
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        for due in dues:
            now = (
                bool(due.user.email)
                and choices.get(due.user.pk, EmailChoice.IMMEDIATE) == EmailChoice.IMMEDIATE
            )
            try:
                with transaction.atomic():
                    text = _message(due)
                    services.reminder_record(due=due, text=text, emailed=now)
                    if now:
                        _email(due, text)  # a failure undoes the record: retried on the next run
            except IntegrityError:
                continue  # already sent (by an earlier or a concurrent run)
            except Exception:  # the e-mail failed: nothing recorded, retried on the next run
                log.exception("reminder to user %s failed", due.user.pk)
                continue
            sent += 1
    return sent
