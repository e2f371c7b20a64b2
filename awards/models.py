"""What is won: award types and their rules per cluster year, polls, secret ballots, results,
nominations and the province's decisions.

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
from django.utils.translation import gettext_lazy as _


class AwardType(models.Model):
    """A collective award a cluster can propose, e.g. "Cờ thi đua của Chính phủ".

    `precedence` 1 is the highest award; higher awards are decided first."""

    province = models.ForeignKey(
        "clusters.Province", on_delete=models.PROTECT, related_name="award_types", verbose_name=_("province")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    precedence = models.PositiveSmallIntegerField(
        _("precedence"), help_text=_("1 is the highest award; higher awards are voted on first.")
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["precedence", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="award_type_code_unique_in_province"),
        ]

    def __str__(self):
        return self.name


class QuotaKind(models.TextChoices):
    FIXED = "fixed", _("A fixed number of units")
    SHARE_MEMBERS = "share_members", _("A share of the member units")
    SHARE_REMAINING = "share_remaining", _("A share of the units remaining after the higher awards")


class Rounding(models.TextChoices):
    DOWN = "down", _("Round down")
    UP = "up", _("Round up")
    NEAREST = "nearest", _("Round to the nearest (half up)")


class ThresholdBase(models.TextChoices):
    ELECTORATE = "electorate", _("of all eligible voters")
    BALLOTS = "ballots", _("of the ballots cast")


class AwardRule(models.Model):
    """How an award is decided in one cluster year. Fractions are stored as numerator and
    denominator so that "two thirds" is exact."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        on_delete=models.CASCADE,
        related_name="award_rules",
        verbose_name=_("cluster year"),
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="rules", verbose_name=_("award type")
    )
    # eligibility
    min_total = models.DecimalField(
        _("minimum total score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    max_rank = models.PositiveSmallIntegerField(_("maximum rank"), null=True, blank=True)
    leading_unit_only = models.BooleanField(_("only the cluster's leading unit"), default=False)
    allow_with_higher_award = models.BooleanField(
        _("a unit proposed for a higher award may also receive this one"), default=False
    )
    # quota
    quota_kind = models.CharField(
        _("quota"), max_length=16, choices=QuotaKind.choices, default=QuotaKind.FIXED
    )
    quota_count = models.PositiveSmallIntegerField(_("number of units"), null=True, blank=True)
    quota_num = models.PositiveSmallIntegerField(_("share: numerator"), null=True, blank=True)
    quota_den = models.PositiveSmallIntegerField(_("share: denominator"), null=True, blank=True)
    rounding = models.CharField(_("rounding"), max_length=8, choices=Rounding.choices, default=Rounding.DOWN)
    # vote
    threshold_num = models.PositiveSmallIntegerField(_("vote threshold: numerator"), default=1)
    threshold_den = models.PositiveSmallIntegerField(_("vote threshold: denominator"), default=2)
    threshold_base = models.CharField(
        _("threshold counted"), max_length=10, choices=ThresholdBase.choices, default=ThresholdBase.ELECTORATE
    )
    threshold_strict = models.BooleanField(_("strictly more than the threshold"), default=True)
    quorum_num = models.PositiveSmallIntegerField(_("quorum: numerator"), default=2)
    quorum_den = models.PositiveSmallIntegerField(_("quorum: denominator"), default=3)
    secret = models.BooleanField(_("secret ballot"), default=True)

    class Meta:
        verbose_name = _("award rule")
        verbose_name_plural = _("award rules")
        ordering = ["award_type__precedence"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "award_type"], name="one_rule_per_award_and_year"
            ),
            models.CheckConstraint(
                condition=Q(threshold_den__gt=0) & Q(quorum_den__gt=0),
                name="award_rule_denominators_positive",
            ),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.cluster_year_id}"

    def snapshot(self):
        """The rule as frozen into a poll when it opens."""
        return {
            "quota_kind": self.quota_kind,
            "quota_count": self.quota_count,
            "quota_num": self.quota_num,
            "quota_den": self.quota_den,
            "rounding": self.rounding,
            "threshold_num": self.threshold_num,
            "threshold_den": self.threshold_den,
            "threshold_base": self.threshold_base,
            "threshold_strict": self.threshold_strict,
            "quorum_num": self.quorum_num,
            "quorum_den": self.quorum_den,
            "secret": self.secret,
        }


class PollStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed (counted)")
    PUBLISHED = "published", _("Published")


class ElectorateKind(models.TextChoices):
    UNITS = "units", _("One voter per member unit")
    COUNCIL = "council", _("A list of council members")


class Poll(models.Model):
    """A vote on one award in one cluster year (round 1), or a run-off between tied candidates."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear", on_delete=models.PROTECT, related_name="polls", verbose_name=_("cluster year")
    )
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
    participation_count = models.PositiveIntegerField(default=0)
    ballot_count = models.PositiveIntegerField(default=0)
    abstain_count = models.PositiveIntegerField(default=0)
    quorum_met = models.BooleanField(null=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("reason for the flag"), max_length=300, blank=True)
    runoff_seats = models.PositiveSmallIntegerField(
        default=0, help_text="seats left to a run-off after a tie"
    )

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
        ]

    def __str__(self):
        return self.title

    @property
    def province_id(self):
        return self.cluster_year.cluster.province_id

    @property
    def is_counted(self):
        return self.status in (PollStatus.CLOSED, PollStatus.PUBLISHED)


class PollCandidate(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey(
        "clusters.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=160, help_text="the unit's name in the poll's year")
    position = models.PositiveSmallIntegerField(default=0)
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    # the count (set at close)
    votes = models.PositiveIntegerField(_("votes"), null=True)
    share = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=2, null=True)
    met_threshold = models.BooleanField(null=True)
    proposed = models.BooleanField(default=False)
    tied = models.BooleanField(default=False, help_text="tied at the quota boundary: goes to a run-off")

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
    """WHAT was voted. Random key, no timestamp, no link to a person (except `voter_name` for an
    open, non-secret ballot, which is empty for every secret poll)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)
    abstain = models.BooleanField(default=False)
    voter_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.CheckConstraint(condition=~Q(receipt_hash=""), name="ballot_has_receipt"),
        ]

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
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return str(self.pk)


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
