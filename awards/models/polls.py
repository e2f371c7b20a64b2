"""Polls, their candidates and electors, and the secret ballots.

Secrecy of the ballot is a property of the schema: `Participation` records WHO voted,
`Ballot`/`BallotChoice` record WHAT was voted, and nothing links the two — no foreign key,
no timestamp, no sequential key (ballots and choices have random UUID keys), and at close the
ballots are rewritten in random order (new row versions, new physical order) so that not even
PostgreSQL's system columns (ctid, xmin) tie a ballot to the transaction of a participation.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .rules import AwardType, ThresholdBase


def _when(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


class PollStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed (counted)")
    PUBLISHED = "published", _("Published")


class ElectorateKind(models.TextChoices):
    UNITS = "units", _("One voter per member unit")
    COUNCIL = "council", _("A list of council members")


class RoundReason(models.TextChoices):
    FIRST = "first", _("First round")
    RUNOFF = "runoff", _("Run-off between tied units")
    NO_QUORUM = "no_quorum", _("New round: the quorum was not met")
    INCONCLUSIVE = "inconclusive", _("New round: seats left unfilled")


class Poll(models.Model):
    """A vote on one award in one cluster year (round 1), a run-off between tied candidates, or a
    new round after a failed quorum or an inconclusive vote (the earlier round stays on record)."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="polls",
        verbose_name=_("cluster year"),
    )
    # a province-level poll (the province council over the clusters' nominations): no cluster year
    council_province = models.ForeignKey(
        "clusters.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_polls",
        verbose_name=_("province council"),
    )
    council_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="polls", verbose_name=_("award")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runoffs",
        verbose_name=_("run-off of"),
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    round_reason = models.CharField(
        _("why this round"), max_length=12, choices=RoundReason.choices, default=RoundReason.FIRST
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=PollStatus.choices, default=PollStatus.OPEN)
    electorate_kind = models.CharField(
        _("electorate"), max_length=8, choices=ElectorateKind.choices, default=ElectorateKind.UNITS
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    quota = models.PositiveSmallIntegerField(_("seats (quota)"))
    rule = models.JSONField(_("rule in force"), default=dict)
    secret = models.BooleanField(_("secret ballot"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # the count, stored at close and frozen at publication
    electorate_size = models.PositiveIntegerField(default=0)
    statutory_size = models.PositiveIntegerField(
        default=0, help_text="the council's statutory membership when the poll opened (0: no roster)"
    )
    participation_count = models.PositiveIntegerField(default=0)
    ballot_count = models.PositiveIntegerField(default=0)
    abstain_count = models.PositiveIntegerField(default=0)
    quorum_met = models.BooleanField(null=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("reason for the flag"), max_length=300, blank=True)
    runoff_seats = models.PositiveSmallIntegerField(
        default=0, help_text="seats left to a run-off after a tie"
    )
    tie_note = models.CharField(_("how the tie was broken"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["award_type__precedence", "round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="poll_window_positive"
            ),
            models.UniqueConstraint(
                fields=["cluster_year", "award_type"],
                condition=Q(parent__isnull=True),
                name="one_main_poll_per_award_and_year",
            ),
            models.UniqueConstraint(
                fields=["council_province", "council_year", "award_type"],
                condition=Q(parent__isnull=True, council_province__isnull=False),
                name="one_main_province_poll_per_award_and_year",
            ),
            models.CheckConstraint(
                condition=Q(
                    cluster_year__isnull=False, council_province__isnull=True, council_year__isnull=True
                )
                | Q(cluster_year__isnull=True, council_province__isnull=False, council_year__isnull=False),
                name="poll_of_a_cluster_year_or_of_a_province_council",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def province_id(self):
        if self.cluster_year_id is None:
            return self.council_province_id
        return self.cluster_year.cluster.province_id

    @property
    def is_province_poll(self):
        """Held by the province council over nominations from all its clusters."""
        return self.cluster_year_id is None

    @property
    def year(self):
        return self.council_year if self.cluster_year_id is None else self.cluster_year.year

    @property
    def is_open(self):
        return self.status == PollStatus.OPEN

    @property
    def is_closed(self):
        """Closed and counted, not published yet."""
        return self.status == PollStatus.CLOSED

    @property
    def is_counted(self):
        return self.status in (PollStatus.CLOSED, PollStatus.PUBLISHED)

    @property
    def base_size(self):
        """Whom "of all members" and the quorum count: the council's statutory membership when it
        has a roster, else the voters on the poll's list."""
        return self.statutory_size or self.electorate_size

    @property
    def counts_ballots(self):
        """The rule in force measures the threshold against the ballots cast (not the electorate)."""
        return self.rule.get("threshold_base") == ThresholdBase.BALLOTS

    def window_problem(self, now=None):
        """Why no vote can be cast in this poll right now (closed, not yet open, over), or None."""
        now = now or timezone.now()
        if self.status != PollStatus.OPEN:
            return gettext("This poll is closed; votes are no longer accepted.")
        if now < self.opens_at:
            return gettext("Voting has not started yet: it opens at %(at)s.") % {"at": _when(self.opens_at)}
        if now >= self.closes_at:
            return gettext("Voting ended at %(at)s; your vote cannot be accepted.") % {
                "at": _when(self.closes_at)
            }
        return None

    def ballot_problem(self, candidate_ids, abstain, valid_ids=None):
        """What is wrong with a ballot naming `candidate_ids` (or abstaining), or None. The ballot
        page asks before its confirmation step, `ballot_cast` again before it writes."""
        try:
            ids = {int(i) for i in candidate_ids}
        except (TypeError, ValueError):
            return gettext("The ballot names someone who is not a candidate in this poll.")
        if valid_ids is None:
            valid_ids = set(self.candidates.values_list("pk", flat=True))
        if not ids <= set(valid_ids):
            return gettext("The ballot names someone who is not a candidate in this poll.")
        if abstain and ids:
            return gettext("Either abstain or choose candidates, not both.")
        if not abstain and not ids:
            return gettext("Choose at least one candidate, or abstain.")
        if len(ids) > self.quota:
            return gettext("You may choose at most %(n)s candidate(s) for this award.") % {"n": self.quota}
        return None


class PollCandidate(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey(
        "clusters.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=160, help_text="the unit's name in the poll's year")
    nomination = models.ForeignKey(
        "awards.Nomination",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="province_candidacies",
        help_text="in a province poll: the cluster's nomination voted on",
    )
    position = models.PositiveSmallIntegerField(default=0)
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    # the count (set at close)
    votes = models.PositiveIntegerField(_("votes"), null=True)
    share = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=2, null=True)
    met_threshold = models.BooleanField(null=True)
    proposed = models.BooleanField(default=False)
    tied = models.BooleanField(default=False, help_text="tied at the quota boundary: goes to a run-off")
    won_tie = models.BooleanField(
        default=False, help_text="proposed by the rule's tie-break (score, rank, the chair), not by votes"
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["poll", "unit"], name="candidate_once_per_poll")]

    def __str__(self):
        return self.name


class Elector(models.Model):
    """A person entitled to vote in a poll (for a unit when one voter per unit)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "clusters.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="elector_once_per_poll"),
            models.UniqueConstraint(fields=["poll", "unit"], name="one_elector_per_unit_and_poll"),
        ]

    def __str__(self):
        return f"{self.user_id}@{self.poll_id}"


class Participation(models.Model):
    """WHO voted (and when). Deliberately knows nothing of the ballot."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="one_ballot_per_voter_and_poll")]

    def __str__(self):
        return f"{self.user_id}@{self.poll_id}"


class Ballot(models.Model):
    """WHAT was voted, written only by the close (opened from its sealed envelope), all of a
    poll's ballots in one transaction and a random order. Random key, no timestamp, no receipt,
    no link to a person (except `voter_name` for an open, non-secret ballot)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    abstain = models.BooleanField(default=False)
    voter_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(self.pk)


class BallotChoice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(PollCandidate, on_delete=models.PROTECT, related_name="choices")

    class Meta:
        verbose_name = _("choice on a ballot")
        verbose_name_plural = _("choices on ballots")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="candidate_once_per_ballot")
        ]

    def __str__(self):
        return str(self.pk)
