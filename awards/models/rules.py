"""Award types and the rule of an award in a cluster year."""

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


class TieBreak(models.TextChoices):
    RUNOFF = "runoff", _("A run-off between the tied units")
    SCORE = "score", _("The higher total score")
    RANK = "rank", _("The better rank")
    CHAIR = "chair", _("The chair of the council decides")


class RemainingBase(models.TextChoices):
    PROPOSED = "proposed", _("Members minus the units proposed for the higher awards")
    SEATS = "seats", _("Members minus the seats of the higher awards")


# The fields of a rule: who may stand (eligibility), when polls may open, then what a poll
# freezes when it opens.
ELIGIBILITY_FIELDS = (
    "min_total",
    "max_rank",
    "leading_unit_only",
    "allow_with_higher_award",
    "votes_only",
)
SNAPSHOT_FIELDS = (
    "quota_kind",
    "quota_count",
    "quota_num",
    "quota_den",
    "rounding",
    "threshold_num",
    "threshold_den",
    "threshold_base",
    "threshold_strict",
    "quorum_num",
    "quorum_den",
    "secret",
    "tie_break",
    "remaining_base",
)
RULE_FIELDS = ELIGIBILITY_FIELDS + SNAPSHOT_FIELDS


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
    votes_only = models.BooleanField(
        _("polls may open before the pledge and the scores (a cluster that only votes)"), default=False
    )
    # quota
    quota_kind = models.CharField(
        _("quota"), max_length=16, choices=QuotaKind.choices, default=QuotaKind.FIXED
    )
    quota_count = models.PositiveSmallIntegerField(_("number of units"), null=True, blank=True)
    quota_num = models.PositiveSmallIntegerField(_("share: numerator"), null=True, blank=True)
    quota_den = models.PositiveSmallIntegerField(_("share: denominator"), null=True, blank=True)
    rounding = models.CharField(_("rounding"), max_length=8, choices=Rounding.choices, default=Rounding.DOWN)
    remaining_base = models.CharField(
        _("“remaining units” counted as"),
        max_length=10,
        choices=RemainingBase.choices,
        default=RemainingBase.PROPOSED,
    )
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
    tie_break = models.CharField(
        _("a tie for the last seat is broken by"),
        max_length=8,
        choices=TieBreak.choices,
        default=TieBreak.RUNOFF,
    )

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

    @property
    def has_fixed_quota(self):
        return self.quota_kind == QuotaKind.FIXED

    def snapshot(self):
        """The rule as frozen into a poll when it opens."""
        return {f: getattr(self, f) for f in SNAPSHOT_FIELDS}
