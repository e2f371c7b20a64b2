"""Nominations (the units a published poll proposes), the province's decisions, the dossier."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .polls import Poll
from .rules import AwardType


class Nomination(models.Model):
    """A unit proposed by the cluster for an award (from a published poll)."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("cluster year"),
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("award")
    )
    unit = models.ForeignKey(
        "clusters.Unit", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("unit")
    )
    unit_name = models.CharField(_("unit"), max_length=160)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="nominations")
    votes = models.PositiveIntegerField(_("votes"), default=0)
    achievement_report = models.FileField(
        _("achievement report (PDF)"), upload_to="awards/reports/%Y/", blank=True
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["award_type__precedence", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "award_type", "unit"], name="nomination_once"),
        ]

    def __str__(self):
        return f"{self.unit_name} – {self.award_type}"


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REDUCED = "reduced", _("Granted a lower award")
    REFUSED = "refused", _("Refused")


class Decision(models.Model):
    """The province's decision on a nomination."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("decision number"), max_length=60)
    date = models.DateField(_("decision date"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    granted_award = models.ForeignKey(
        AwardType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("award granted instead"),
    )
    signer = models.CharField(_("signed by"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return str(self.pk)

    @property
    def outcome_text(self):
        """The outcome as it is shown everywhere: a reduced award names the award granted."""
        return outcome_text(self.outcome, self.granted_award.name if self.granted_award_id else "")


def outcome_text(outcome, granted_name=""):
    label = Outcome(outcome).label if outcome in Outcome.values else outcome
    if outcome == Outcome.REDUCED and granted_name:
        return _("%(outcome)s: %(award)s") % {"outcome": label, "award": granted_name}
    return str(label)


class Dossier(models.Model):
    """The review meeting and the dossier sent to the province for one cluster year."""

    cluster_year = models.OneToOneField(
        "clusters.ClusterYear", on_delete=models.PROTECT, related_name="award_dossier"
    )
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    chair_name = models.CharField(_("chair of the meeting"), max_length=120, blank=True)
    chair_title = models.CharField(_("chair's title"), max_length=120, blank=True)
    secretary_name = models.CharField(_("secretary of the meeting"), max_length=120, blank=True)
    attendance = models.TextField(_("attendance"), blank=True, help_text=_("Who attended, one per line."))
    # what the minutes of the vote count (biên bản kiểm phiếu) record of the meeting
    started_at = models.TimeField(_("meeting started at"), null=True, blank=True)
    ended_at = models.TimeField(_("meeting ended at"), null=True, blank=True)
    council_size = models.PositiveSmallIntegerField(
        _("members of the council"), null=True, blank=True, help_text=_("The statutory membership.")
    )
    absentees = models.TextField(
        _("absent, with the reason"), blank=True, help_text=_("One per line: name – reason.")
    )
    counting_committee = models.TextField(
        _("vote-counting committee (Ban kiểm phiếu)"),
        blank=True,
        help_text=_("Elected at the meeting, one per line: name – role (Trưởng ban first)."),
    )
    cover_number = models.CharField(_("cover letter number"), max_length=60, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return str(self.pk)
