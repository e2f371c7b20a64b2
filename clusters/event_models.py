"""Dated changes of units (the 2025 reform and every later one), each with its legal basis.

A change is one UnitEvent (what, from when, by which decision) and its links: one link per unit
that existed before, pointing to the unit that carries it on after (none when abolished). A
rename or a transfer links a unit to itself. Written only by clusters.unit_events; imported by
clusters.models so that Django finds the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitEventKind(models.TextChoices):
    RENAME = "rename", _("Renamed or changed type")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")
    ABOLISH = "abolish", _("Abolished")
    TRANSFER = "transfer", _("Transferred to another province")
    PROVINCE_MERGE = "province_merge", _("Provinces merged")


class UnitEvent(models.Model):
    province = models.ForeignKey(
        "clusters.Province",
        on_delete=models.PROTECT,
        related_name="unit_events",
        verbose_name=_("province"),
        help_text=_("The province the units belong to after the change."),
    )
    from_province = models.ForeignKey(
        "clusters.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_events_out",
        verbose_name=_("from province"),
    )
    kind = models.CharField(_("change"), max_length=16, choices=UnitEventKind.choices)
    effective = models.DateField(_("in force from"))
    decision_number = models.CharField(_("decision number"), max_length=80)
    decision_date = models.DateField(_("decision date"))
    decision_body = models.CharField(_("issued by"), max_length=160, blank=True)
    note = models.TextField(_("note"), blank=True)
    shared_history = models.BooleanField(
        _("history shared by all successors"),
        default=False,
        help_text=_("For a split: every successor shows the earlier years as its own."),
    )
    recorded_by = models.ForeignKey(
        "clusters.User", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit change")
        verbose_name_plural = _("unit changes")
        ordering = ["effective", "pk"]
        indexes = [models.Index(fields=["province", "effective"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective:%d/%m/%Y} ({self.decision_number})"

    @property
    def basis(self):
        """ "Nghị quyết 1669/NQ-UBTVQH15 ngày 16/06/2025" as shown on pages."""
        body = f"{self.decision_body} " if self.decision_body else ""
        return f"{body}{self.decision_number}, {self.decision_date:%d/%m/%Y}"


class UnitEventLink(models.Model):
    """`unit` (as it was before the change) is carried on by `successor` from the event's date;
    `carries_history`: the successor shows the unit's earlier years as its own."""

    event = models.ForeignKey(UnitEvent, on_delete=models.PROTECT, related_name="links")
    unit = models.ForeignKey(
        "clusters.Unit", on_delete=models.PROTECT, related_name="event_links", verbose_name=_("unit")
    )
    successor = models.ForeignKey(
        "clusters.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        verbose_name=_("successor"),
    )
    carries_history = models.BooleanField(_("carries the history"), default=True)

    class Meta:
        verbose_name = _("unit change link")
        verbose_name_plural = _("unit change links")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "unit", "successor"], name="unit_event_link_once", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.unit_id} → {self.successor_id}"
