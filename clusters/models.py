"""Who takes part: provinces, clusters, member units (with renames and merges), years, people."""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .event_models import UnitEvent, UnitEventKind, UnitEventLink  # noqa: F401  (dated changes of units)


class Province(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    place_name = models.CharField(
        _("place name on documents"), max_length=120, blank=True, help_text=_("e.g. Hải Phòng")
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UnitKind(models.TextChoices):
    DISTRICT = "huyen", _("District (huyện)")
    TOWN = "thi_xa", _("Town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho", _("Provincial city (thành phố thuộc tỉnh)")
    URBAN_DISTRICT = "quan", _("Urban district (quận)")
    COMMUNE = "xa", _("Commune (xã)")
    WARD = "phuong", _("Ward (phường)")
    TOWNSHIP = "thi_tran", _("Township (thị trấn)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")
    AGENCY = "so_nganh", _("Agency (sở, ban, ngành)")
    OTHER = "khac", _("Other")


class Unit(models.Model):
    """A member unit. Name, short name and kind are the current ones; earlier states live in
    UnitVersion so that past years keep showing the unit as it was then."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="units", verbose_name=_("province")
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("type"), max_length=12, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=160)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    leader_name = models.CharField(_("leader's name"), max_length=120, blank=True)
    leader_title = models.CharField(_("leader's title"), max_length=80, blank=True, default="CHỦ TỊCH")
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
        verbose_name=_("merged into"),
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    parent = models.ForeignKey(  # a commune's district (before 2025), as the set-up sheet gives it
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("district")
    )
    started_on = models.DateField(_("in existence from"), null=True, blank=True)
    ended_on = models.DateField(_("ceased to exist on"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="unit_code_unique_in_province")
        ]

    def __str__(self):
        return self.name

    def state_in_year(self, year):
        """(name, short_name, kind) at the end of `year` (prefetched `versions`: constant queries)."""
        end = datetime.date(year, 12, 31)
        later = [v for v in self.versions.all() if v.valid_until > end]
        if later:
            v = min(later, key=lambda v: v.valid_until)
            return v.name, v.short_name, v.kind
        return self.name, self.short_name, self.kind

    def name_in_year(self, year):
        return self.state_in_year(year)[0]

    def successor_on(self, on_date):
        """The unit that carries this one on at `on_date`: follows merges dated on or before it
        (itself when it was not merged by then)."""
        unit, seen = self, set()
        while unit.merged_into_id and unit.merged_on and unit.merged_on <= on_date and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.merged_into
        return unit


class UnitVersion(models.Model):
    """A past state of a unit: it was called `name` (of `kind`) until `valid_until` (exclusive)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=160)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=UnitKind.choices)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("earlier name of a unit")
        verbose_name_plural = _("earlier names of units")
        ordering = ["valid_until"]

    def __str__(self):
        return f"{self.name} (→ {self.valid_until:%d/%m/%Y})"


class ClusterKind(models.TextChoices):
    GEOGRAPHIC = "cum", _("Cluster (cụm)")
    FUNCTIONAL = "khoi", _("Block (khối)")


class Cluster(models.Model):
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("province")
    )
    kind = models.CharField(
        _("kind"), max_length=4, choices=ClusterKind.choices, default=ClusterKind.GEOGRAPHIC
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    # the issuer on the cluster's documents (Decree 30 header): its governing body and place
    governing_body = models.CharField(
        _("governing body"),
        max_length=160,
        blank=True,
        help_text=_(
            "The body the cluster belongs to, as written in running text, e.g. "
            "“UBND huyện Thạch Thất” or “Sở Nội vụ”; empty: the province's people's committee."
        ),
    )
    place_name = models.CharField(
        _("place name on documents"),
        max_length=120,
        blank=True,
        help_text=_("e.g. Thạch Thất; empty: the province's place name"),
    )
    number_symbol = models.CharField(
        _("symbol in document numbers"),
        max_length=20,
        blank=True,
        help_text=_("e.g. CTĐ in “05/TTr-CTĐ”; empty: CTĐ for a cluster, KTĐ for a block"),
    )

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="cluster_code_unique_in_province")
        ]

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    SETUP = "setup", _("Set-up")
    REGISTRATION = "registration", _("Registration and pledge")
    SCORING = "scoring", _("Scoring")
    VOTING = "voting", _("Review and voting")
    DOSSIER = "dossier", _("Dossier")
    CLOSED = "closed", _("Closed")


STAGE_ORDER = [s.value for s in Stage]


class ClusterYear(models.Model):
    """A cluster's cycle for one year. The stage moves only through clusters.services."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="years", verbose_name=_("cluster")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.SETUP)
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    scoring_deadline = models.DateField(_("self-scoring deadline"), null=True, blank=True)
    voting_deadline = models.DateField(_("voting deadline"), null=True, blank=True)
    dossier_deadline = models.DateField(_("dossier deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("cluster year")
        verbose_name_plural = _("cluster years")
        ordering = ["-year", "cluster__name"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="one_cluster_year")]

    def __str__(self):
        return f"{self.cluster.name} – {self.year}"

    @property
    def province_id(self):
        return self.cluster.province_id

    def stage_index(self):
        return STAGE_ORDER.index(self.stage)

    @property
    def in_setup(self):
        return self.stage == Stage.SETUP

    @property
    def is_closed(self):
        return self.stage == Stage.CLOSED

    def deadline_for_stage(self):
        return {
            Stage.REGISTRATION: self.registration_deadline,
            Stage.SCORING: self.scoring_deadline,
            Stage.VOTING: self.voting_deadline,
            Stage.DOSSIER: self.dossier_deadline,
        }.get(self.stage)


class MemberRole(models.TextChoices):
    HEAD = "head", _("Head (Trưởng cụm)")
    DEPUTY = "deputy", _("Deputy (Phó trưởng cụm)")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    cluster_year = models.ForeignKey(
        ClusterYear, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cluster year")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "unit"], name="unit_once_per_cluster_year"),
            models.UniqueConstraint(
                fields=["cluster_year"], condition=Q(role="head"), name="one_head_per_year"
            ),
            models.UniqueConstraint(
                fields=["cluster_year"], condition=Q(role="deputy"), name="one_deputy_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_role_display()})"

    @property
    def is_head(self):
        return self.role == MemberRole.HEAD

    @property
    def is_deputy(self):
        return self.role == MemberRole.DEPUTY


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Unit staff")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    COUNCIL_MEMBER = "council_member", _("Council member")
    CLUSTER_SECRETARY = "cluster_secretary", _("Cluster secretary")
    PROVINCE_ADMIN = "province_admin", _("Province admin")


def user_deletion_refused():
    return ValidationError(
        _(
            "Accounts are never deleted, so that every audit event keeps its author: "
            "deactivate the account instead."
        ),
        code="user_not_deletable",
    )


class UserQuerySet(models.QuerySet):
    def delete(self):
        raise user_deletion_refused()


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person. Belongs to one province and (except province admins) one unit.

    Never deleted (deactivated instead): the audit trail names its author forever. The database
    refuses a DELETE too (trigger installed by migration 0002 on PostgreSQL)."""

    objects = AccountManager()

    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("province"),
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("unit")
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def role_codes(self):
        if not hasattr(self, "_role_codes"):
            self._role_codes = (
                frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            )
        return self._role_codes

    def has_role(self, role):
        return role in self.role_codes

    def delete(self, *args, **kwargs):
        raise user_deletion_refused()


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user")]

    def __str__(self):
        return self.get_role_display()


class AuditEvent(models.Model):
    """Append-only log of every change: who, when, what, old and new values, why.

    Hash-chained per province (see clusters.chain); the database refuses UPDATE and DELETE
    (trigger installed by migration 0002 on PostgreSQL). Written only by clusters.audit.record."""

    province = models.ForeignKey(Province, null=True, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField(_("number in the chain"))
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["province", "seq"], name="audit_seq_once_per_province")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AuditChainHead(models.Model):
    """The last link of one chain (a province's, or "-" for events without a province).

    Its row lock serialises the appends of one chain; its values let the check notice events cut
    off the end of the chain."""

    key = models.CharField(max_length=20, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"{self.key}#{self.seq}"


class ChainCheckState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


CHAIN_CHECK_PENDING = (ChainCheckState.QUEUED, ChainCheckState.RUNNING)


class AuditChainCheck(models.Model):
    """One check of a province's audit chain, run by a Celery task (clusters.chain_checks), never
    in a request. At most one queued or running check per province (partial unique constraint).

    `seen_seq` is how far the chain reached when it was checked (the head the check verified, or
    the stored head when it broke earlier): the page compares it with the head now. A broken link
    is kept as its code and numbers, and the message is worded when shown, in the reader's language.
    `broken_event_id` is a plain number, not a foreign key: the audit table stays free of
    references, so the check never stands in the way of its own evidence."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the nightly check
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=ChainCheckState.choices, default=ChainCheckState.QUEUED)
    checked = models.PositiveBigIntegerField(default=0)  # events checked so far (progress)
    total = models.PositiveBigIntegerField(default=0)  # the chain's length when the check started
    count = models.PositiveBigIntegerField(default=0)
    head_seq = models.PositiveBigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)
    head_at = models.DateTimeField(null=True, blank=True)
    seen_seq = models.PositiveBigIntegerField(default=0)
    broken_code = models.CharField(max_length=10, blank=True)  # missing, link, content, paper, truncated
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    broken_other_seq = models.PositiveBigIntegerField(null=True, blank=True)
    broken_event_id = models.BigIntegerField(null=True, blank=True)
    expect_seq = models.PositiveBigIntegerField(null=True, blank=True)
    expect_hash = models.CharField(max_length=64, blank=True)
    message = models.CharField(max_length=300, blank=True)  # why a check failed to run

    class Meta:
        verbose_name = _("audit trail check")
        verbose_name_plural = _("audit trail checks")
        indexes = [models.Index(fields=["province", "-id"], name="chain_check_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["province"],
                condition=Q(state__in=["queued", "running"]),
                name="chain_check_one_pending_per_province",
            )
        ]

    def __str__(self):
        return f"{self.province_id} {self.requested_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def is_pending(self):
        return self.state in CHAIN_CHECK_PENDING

    @property
    def ok(self):
        return self.state == ChainCheckState.DONE and not self.broken_code

    @property
    def percent(self):
        return min(99, self.checked * 100 // self.total) if self.total else 0

    def events_since(self, head_seq):
        """Events recorded after the check read the chain (`head_seq`: the stored head now), not
        counting the check's own verdict, recorded right after it."""
        return max(0, (head_seq or 0) - self.seen_seq - 1)

    def cut_since(self, head_seq):
        """The stored head (`head_seq`) is behind what this check read: events were removed from
        the end of the chain and its head rewound since (the chain alone cannot tell)."""
        return (head_seq or 0) < self.seen_seq

    @property
    def problem(self):
        from .audit import problem_text

        return problem_text(
            self.broken_code,
            self.broken_seq,
            self.broken_other_seq,
            event_found=self.broken_event_id is not None,
        )
