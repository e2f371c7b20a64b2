"""Registrations (đăng ký thi đua) and the pledge (giao ước thi đua) with its signatures."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Registration(models.Model):
    """A unit's registration for a cluster year: its targets and the titles/awards it aims for."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("cluster year"),
    )
    unit = models.ForeignKey(
        "clusters.Unit", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("unit")
    )
    aims = models.TextField(_("titles and awards aimed for"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "unit"], name="one_registration_per_unit")
        ]

    def __str__(self):
        return f"{self.unit} – {self.cluster_year}"

    @property
    def province_id(self):
        return self.unit.province_id


class RegistrationTarget(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="targets")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("short code of the target, e.g. budget-revenue")
    )
    name = models.CharField(_("target"), max_length=255)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=3)
    measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("registered target")
        verbose_name_plural = _("registered targets")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "key"], name="target_key_once")]

    def __str__(self):
        return self.name


class PledgeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Finalised")


class Pledge(models.Model):
    cluster_year = models.OneToOneField(
        "clusters.ClusterYear",
        on_delete=models.CASCADE,
        related_name="pledge",
        verbose_name=_("cluster year"),
    )
    state = models.CharField(_("state"), max_length=8, choices=PledgeState.choices, default=PledgeState.DRAFT)
    final_version = models.ForeignKey(
        "PledgeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    official_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self):
        return f"Giao ước {self.cluster_year}"

    @property
    def province_id(self):
        return self.cluster_year.cluster.province_id


def _new_code():
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class PledgeVersion(models.Model):
    """One frozen draft of the pledge text. Never edited: a change is a new version."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=255)
    preamble = models.TextField(_("legal bases (preamble)"), blank=True)
    articles = models.JSONField(_("articles"), default=list)
    place = models.CharField(_("place of signing"), max_length=120)
    signing_date = models.DateField(_("date of signing"), null=True, blank=True)
    code = models.CharField(max_length=12, unique=True, default=_new_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Fixed by the first signature: the signing copy every signed revision must start with.
    base_sha256 = models.CharField(max_length=64, blank=True)
    base_length = models.PositiveIntegerField(null=True, blank=True)
    # Fixed when the version is finalised: for each member unit (its id as a string), the
    # person who signs for it and the unit's name in the pledge's year, {"person", "unit"}.
    # The printed block, the stamp and the certificate's subject all read this one record.
    signatories = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("pledge version")
        verbose_name_plural = _("pledge versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "number"], name="pledge_version_number_once")
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def signatory(self, unit):
        """(person, unit name) that sign for `unit` in this version: the record fixed at
        finalisation; a version finalised before the record existed reads the unit."""
        entry = self.signatories.get(str(unit.pk))
        if entry:
            return entry["person"], entry["unit"]
        return unit.leader_name, unit.name_in_year(self.pledge.cluster_year.year)


class PledgeApproval(models.Model):
    version = models.ForeignKey(PledgeVersion, on_delete=models.CASCADE, related_name="approvals")
    unit = models.ForeignKey("clusters.Unit", on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField(default=False)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="one_review_per_unit_and_version")
        ]

    def __str__(self):
        return f"{self.unit_id} v{self.version_id}: {self.approved}"


class SignatureState(models.TextChoices):
    QUEUED = "queued", _("Being signed")
    DONE = "done", _("Signed")
    FAILED = "failed", _("Failed")


class PledgeSignature(models.Model):
    version = models.ForeignKey(PledgeVersion, on_delete=models.PROTECT, related_name="signatures")
    unit = models.ForeignKey("clusters.Unit", on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(max_length=150)
    state = models.CharField(max_length=8, choices=SignatureState.choices, default=SignatureState.QUEUED)
    message = models.CharField(max_length=300, blank=True)
    external = models.BooleanField(default=False, help_text="uploaded, signed outside the application")
    requested_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    certificate_subject = models.CharField(max_length=300, blank=True)
    certificate_serial = models.CharField(max_length=80, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, help_text="the file right after this signature")

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "unit"], condition=~Q(state="failed"), name="unit_signs_a_version_once"
            ),
        ]

    def __str__(self):
        return f"{self.signer_name} ({self.unit_id})"


class ProvinceAuthority(models.Model):
    """The province's own certificate authority for pledge signing, with its time-stamping unit
    (a key and certificate under the CA, EKU timeStamping) and the number of its last CRL."""

    province = models.OneToOneField("clusters.Province", on_delete=models.PROTECT, related_name="signing_ca")
    certificate_pem = models.TextField()
    key_encrypted = models.BinaryField()
    tsa_certificate_pem = models.TextField(blank=True)
    tsa_key_encrypted = models.BinaryField(null=True, blank=True)
    crl_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"CA {self.province_id}"


class TrustRoot(models.Model):
    """A root certificate the province admin imported (e.g. the Government CA, a licensed public
    CA): signatures chaining to it can be trusted. Retired roots are kept for the record."""

    province = models.ForeignKey("clusters.Province", on_delete=models.PROTECT, related_name="trust_roots")
    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("trust root")
        verbose_name_plural = _("trust roots")
        ordering = ["retired_at", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "sha256"], condition=Q(retired_at__isnull=True), name="trust_root_once"
            )
        ]

    def __str__(self):
        return self.name


class CertificateSource(models.TextChoices):
    ISSUED = "issued", _("issued by the province")
    PKCS12 = "pkcs12", _("imported key (PKCS#12)")
    EXTERNAL = "external", _("public certificate of a token")


class UnitCertificate(models.Model):
    """A unit's registered signing certificate for one year: issued by the province CA, imported
    with its key (PKCS#12), or an external token's public certificate confirmed by the province
    admin. A signature in the unit's field counts only with one of these."""

    unit = models.ForeignKey("clusters.Unit", on_delete=models.PROTECT, related_name="signing_certificates")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    person_name = models.CharField(max_length=150, blank=True)
    source = models.CharField(
        max_length=8, choices=CertificateSource.choices, default=CertificateSource.ISSUED
    )
    certificate_pem = models.TextField()
    chain_pem = models.TextField(blank=True)
    key_encrypted = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    imported = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(active=True), name="one_active_certificate_per_unit"
            )
        ]

    def __str__(self):
        return f"Certificate of unit {self.unit_id}"

    @property
    def confirmed(self):
        return self.source != CertificateSource.EXTERNAL or self.confirmed_at is not None


class CheckState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Checking")
    DONE = "done", _("Checked")
    FAILED = "failed", _("Failed")


class CopyCheck(models.Model):
    """An uploaded copy checked by a Celery task (never in the request): a unit's externally
    signed copy (`unit` set) or a copy someone checks on the public page."""

    token = models.CharField(max_length=32, unique=True)
    version = models.ForeignKey(PledgeVersion, on_delete=models.CASCADE, related_name="copy_checks")
    unit = models.ForeignKey(
        "clusters.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="pledge-checks/")
    state = models.CharField(max_length=8, choices=CheckState.choices, default=CheckState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"check {self.token}"
