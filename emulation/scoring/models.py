"""Criteria tables and scores of a cluster year.

A year has one criteria table: a tree of major criteria → component criteria → optional
sub-items. Units score the leaves (self-score); the head's secretary reviews them, adds bonus
and deduction entries, and locks the year's scores. Every write goes through services.py."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 8, "decimal_places": 2}


class TieBreak(models.TextChoices):
    NONE = "none", _("Ties share a rank")
    CRITERION = "criterion", _("By a named criterion")
    CRITERION_THEN_BONUS = "criterion_bonus", _("By a named criterion, then by bonus points")
    BONUS = "bonus", _("By bonus points")


class CriteriaTable(models.Model):
    """The criteria table of one cluster year, and the year's scoring settings."""

    cluster_year = models.OneToOneField(
        "clusters.ClusterYear",
        on_delete=models.CASCADE,
        related_name="criteria_table",
        verbose_name=_("cluster year"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    tie_break = models.CharField(
        _("tie-break rule"), max_length=16, choices=TieBreak.choices, default=TieBreak.NONE
    )
    tie_break_criterion = models.ForeignKey(
        "Criterion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tie-break criterion"),
    )
    reviewer_unit = models.ForeignKey(
        "clusters.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewer unit"),
        help_text=_("A member unit that cross-checks the scores besides the head's secretary."),
    )
    locked = models.BooleanField(_("scores locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("criteria table")
        verbose_name_plural = _("criteria tables")

    def __str__(self):
        return self.title or str(self.cluster_year)


class CriterionKind(models.TextChoices):
    FIXED = "fixed", _("Points up to the maximum")
    YES_NO = "yes_no", _("Yes/no (full points or none)")
    TARGET_SHARE = "target", _("Share of a registered target")
    DEDUCTION = "deduction", _("Deduction")


class Criterion(models.Model):
    """A node of the table. Major criteria have no parent; only leaves are scored."""

    table = models.ForeignKey(CriteriaTable, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    major = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="the top-level ancestor (itself for a major criterion)",
    )
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("criterion"))
    guidance = models.TextField(_("guidance"), blank=True)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.FIXED
    )
    target_key = models.SlugField(
        _("target key"),
        max_length=60,
        blank=True,
        help_text=_("Key of the registered target (share-of-target criteria)."),
    )
    target_value = models.DecimalField(
        _("default target"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveIntegerField(default=0)
    is_leaf = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="criterion_code_unique_in_table"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_not_negative"),
        ]

    def __str__(self):
        return f"{self.code}. {self.text}"

    @property
    def depth(self):
        return self.code.count(".")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Being scored")
    SUBMITTED = "submitted", _("Submitted")


class ScoreSheet(models.Model):
    """One unit's scores in one year, with its status and eligibility."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear", on_delete=models.CASCADE, related_name="score_sheets"
    )
    unit = models.ForeignKey("clusters.Unit", on_delete=models.PROTECT, related_name="score_sheets")
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ineligible = models.BooleanField(_("ineligible for awards"), default=False)
    ineligible_reason = models.TextField(_("reason for ineligibility"), blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "unit"], name="one_sheet_per_unit_year")
        ]

    def __str__(self):
        return f"{self.unit} – {self.cluster_year.year}"

    @property
    def province_id(self):
        return self.unit.province_id

    @property
    def is_submitted(self):
        return self.status == SheetStatus.SUBMITTED


class ScoreEntry(models.Model):
    """The score of one leaf criterion on one sheet: self-score and reviewed score."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="entries")
    self_points = models.DecimalField(_("self-score"), null=True, blank=True, **POINTS)
    achieved = models.DecimalField(
        _("achieved value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    reviewed_points = models.DecimalField(_("reviewed score"), null=True, blank=True, **POINTS)
    review_reason = models.TextField(_("reason for the adjustment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="one_entry_per_criterion")]

    def __str__(self):
        return f"{self.sheet_id}/{self.criterion_id}: {self.self_points}"

    @property
    def final_points(self):
        return self.reviewed_points if self.reviewed_points is not None else self.self_points

    @property
    def adjusted(self):
        return self.reviewed_points is not None and self.reviewed_points != self.self_points


def evidence_path(instance, filename):
    return (
        f"scoring/evidence/{instance.entry.sheet.cluster_year_id}/{instance.entry.sheet.unit_id}/{filename}"
    )


class Evidence(models.Model):
    entry = models.ForeignKey(ScoreEntry, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("Bonus points")
    DEDUCTION = "deduction", _("Deduction")


class Adjustment(models.Model):
    """Bonus points (điểm thưởng) or a deduction (điểm trừ) outside the table, with a reason."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("points"), **POINTS)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bonus or deduction")
        verbose_name_plural = _("bonuses and deductions")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="adjustment_points_positive")]

    def __str__(self):
        sign = "+" if self.kind == AdjustmentKind.BONUS else "−"
        return f"{sign}{self.points}: {self.reason}"


ZERO = Decimal("0")


class Subtotal(models.Model):
    """A sheet's points under one major criterion (signed: deductions negative), kept by the
    scoring services in the same transaction as each score change (emulation/scoring/subtotals.py);
    the row with no major holds the sheet's totals, bonus and deduction. Rebuilt by
    `manage.py scoring_subtotals`; the ranking reads these instead of every score entry."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="subtotals")
    major = models.ForeignKey(Criterion, null=True, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    self_points = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    scored = models.PositiveIntegerField(default=0)
    bonus = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    deduction = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "major"], condition=Q(major__isnull=False), name="one_subtotal_per_major"
            ),
            models.UniqueConstraint(
                fields=["sheet"], condition=Q(major__isnull=True), name="one_sheet_total"
            ),
        ]

    def __str__(self):
        return f"{self.sheet_id}/{self.major_id}: {self.points}"
