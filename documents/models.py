"""A rendered document (PDF) and the state of the job that renders it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Document(models.Model):
    """One output file per `key` (e.g. "pledge-12-v3-signing"): re-rendering replaces the file."""

    province = models.ForeignKey("clusters.Province", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(
        _("state"), max_length=8, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to="documents/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    renders = models.PositiveIntegerField(default=0, help_text="completed renders")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    issued_on = models.DateField(
        _("date of issue"), null=True, blank=True, help_text="fixed at the first render, kept by re-renders"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.state == DocumentState.DONE

    @property
    def is_pending(self):
        return self.state in (DocumentState.QUEUED, DocumentState.RUNNING)


class RegisterCounter(models.Model):
    """The last number taken in one issuer's register, per year and kind symbol (locked while a
    number is taken)."""

    issuer = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=12)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "symbol"], name="register_counter_once"),
        ]

    def __str__(self):
        return f"{self.issuer} {self.year} {self.symbol}: {self.last}"


class RegisterEntry(models.Model):
    """One line of the outgoing register (sổ đăng ký văn bản đi): a number given to a document
    when it is issued. Numbers run per issuer, per year and per kind symbol and are never reused."""

    province = models.ForeignKey("clusters.Province", on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField(_("issuer"), max_length=60, help_text="e.g. cluster:12, province:3")
    issuer_name = models.CharField(_("issuing body"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(_("kind"), max_length=12, help_text="TTr, BB, BC, GƯ…")
    seq = models.PositiveIntegerField(_("number"))
    number = models.CharField(_("number and symbol"), max_length=60)
    subject = models.CharField(max_length=120, unique=True, help_text="what was numbered")
    title = models.CharField(_("summary"), max_length=300)
    issued_on = models.DateField(_("date of issue"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("outgoing register")
        ordering = ["issuer", "year", "symbol", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "symbol", "seq"], name="register_number_once"),
            models.CheckConstraint(condition=models.Q(seq__gt=0), name="register_number_positive"),
        ]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"
