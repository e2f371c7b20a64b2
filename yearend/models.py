"""Year-end records: the hand-over to next year's head, in-app notifications, reminders sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HandOverMethod(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned by the cluster secretary")
    POLL = "poll", _("Elected by a poll")
    PROVINCE = "province", _("Assigned by the province")


class HandOver(models.Model):
    """The head role passes from this year's head to next year's (e.g. Vĩnh Bảo → Cát Hải)."""

    cluster_year = models.OneToOneField(
        "clusters.ClusterYear",
        on_delete=models.PROTECT,
        related_name="handover",
        verbose_name=_("year handed over"),
    )
    next_year = models.OneToOneField(
        "clusters.ClusterYear",
        on_delete=models.PROTECT,
        related_name="handed_over_from",
        verbose_name=_("next year"),
    )
    from_head = models.ForeignKey(
        "clusters.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("outgoing head"),
    )
    to_head = models.ForeignKey(
        "clusters.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("incoming head")
    )
    to_deputy = models.ForeignKey(
        "clusters.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("incoming deputy"),
    )
    handed_over_on = models.DateField(_("date of the hand-over"))
    method = models.CharField(
        _("how the head was chosen"),
        max_length=10,
        choices=HandOverMethod.choices,
        default=HandOverMethod.ASSIGNED,
    )
    poll_id = models.PositiveIntegerField(_("poll"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-handed_over_on"]

    def __str__(self):
        return f"{self.cluster_year} → {self.next_year.year}"

    @property
    def province_id(self):
        return self.cluster_year.cluster.province_id


class Notification(models.Model):
    """A message in a person's in-app list (the same text as the reminder e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    cluster_year = models.ForeignKey(
        "clusters.ClusterYear", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True, default="")
    ref = models.CharField(max_length=40, blank=True, default="")
    text = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("At once, one e-mail per notification")
    DAILY = "daily", _("Once a day, a digest of the day's notifications")
    NONE = "none", _("No e-mail (only in the application)")


class NotificationPreference(models.Model):
    """How a person wants to receive notifications by e-mail (no row: at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user} {self.email}"


class ReminderSent(models.Model):
    """One reminder to one person about one action before one deadline: never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cluster_year = models.ForeignKey("clusters.ClusterYear", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    ref = models.CharField(max_length=40, blank=True, default="")
    deadline = models.DateField()
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cluster_year", "kind", "ref", "deadline", "days_before"],
                name="reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.user_id} {self.deadline} -{self.days_before}"


class SummaryReport(models.Model):
    """The narrative of the year-end report (báo cáo tổng kết), drafted by the cluster secretary
    in the app (prefilled from the year's data); the data follow it as annexes. Issued once
    finished: it then takes its number (BC) in the cluster's register and its date."""

    SECTIONS = ("results", "strengths", "shortcomings", "lessons", "direction")

    cluster_year = models.OneToOneField(
        "clusters.ClusterYear", on_delete=models.PROTECT, related_name="summary_report"
    )
    results = models.TextField(_("results of the year"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    shortcomings = models.TextField(_("shortcomings and their causes"), blank=True)
    lessons = models.TextField(_("lessons learnt"), blank=True)
    direction = models.TextField(_("direction and tasks for next year"), blank=True)
    recipients = models.TextField(
        _("recipients"), blank=True, help_text=_("One per line, e.g. “Ban Thi đua - Khen thưởng thành phố”.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("year-end report")
        verbose_name_plural = _("year-end reports")

    def __str__(self):
        return f"{self.cluster_year}"

    @property
    def province_id(self):
        return self.cluster_year.cluster.province_id

    def missing_sections(self):
        return [name for name in self.SECTIONS if not getattr(self, name).strip()]
