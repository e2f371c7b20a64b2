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

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def is_pending(self):
        return self.state in (DocumentState.QUEUED, DocumentState.RUNNING)
