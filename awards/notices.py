"""Who is told what about votes and decisions (clusters.notify), in the step's transaction:
each elector when a poll opens (done once they vote), the cluster's members and the electors
when a result is published, the unit and the cluster's secretary when the province decides."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.models import MemberRole, Role, User
from clusters.notify import notify, people, resolve


def _members(cluster_year):
    return list(cluster_year.memberships.values_list("unit_id", flat=True))


def _units_told(poll):
    """A cluster's poll: its member units; a province council's poll: the units it voted on."""
    if poll.cluster_year_id is None:
        return list(poll.candidates.values_list("unit_id", flat=True))
    return _members(poll.cluster_year)


def poll_opened(poll):
    electors = User.objects.filter(pk__in=poll.electors.values("user_id"), is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            list(electors),
            kind="poll.vote",
            ref=poll.pk,
            text=_("Vote: %(poll)s (open until %(when)s)")
            % {"poll": poll.title, "when": timezone.localtime(poll.closes_at).strftime("%H:%M %d/%m/%Y")},
            url=reverse("awards:vote", args=[poll.pk]),
            cluster_year=poll.cluster_year,
            deadline=timezone.localdate(poll.closes_at),
        )


def voted(poll, user):
    resolve(kind="poll.vote", ref=poll.pk, users=[user])


def published(poll, proposed):
    """The result is out: the members' staff and the electors see who is proposed."""
    resolve(kind="poll.vote", ref=poll.pk)
    electors = User.objects.filter(pk__in=poll.electors.values("user_id"), is_active=True)
    names = ", ".join(c.name for c in proposed) or _("nobody")
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [*people(_units_told(poll), Role.UNIT_STAFF), *electors],
            kind="poll.published",
            ref=poll.pk,
            text=_("Result published: %(poll)s – proposed: %(names)s") % {"poll": poll.title, "names": names},
            url=reverse("awards:poll", args=[poll.pk]),
            cluster_year=poll.cluster_year,
        )


def decided(nomination, decision):
    cy = nomination.cluster_year
    head = cy.memberships.filter(role=MemberRole.HEAD).values_list("unit_id", flat=True)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [*people([nomination.unit_id], Role.UNIT_STAFF), *people(head, Role.CLUSTER_SECRETARY)],
            kind="nomination.decided",
            ref=nomination.pk,
            text=_("The province's decision %(number)s on %(award)s for %(unit)s: %(outcome)s")
            % {
                "number": decision.number,
                "award": nomination.award_type.name,
                "unit": nomination.unit_name,
                "outcome": decision.outcome_text,
            },
            url=reverse("awards:year", args=[cy.pk]),
            cluster_year=cy,
        )
