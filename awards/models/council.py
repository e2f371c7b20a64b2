"""The council of a year (Hội đồng): its statutory members, chair and secretary.

A cluster year's council, or (no cluster year) the province's council for a year. Thresholds "of
all members" and the quorum are counted against this roster, not against the voters ticked for
one poll: a member without an account, or not ticked, still counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class CouncilSeat(models.Model):
    province = models.ForeignKey(
        "clusters.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="council_seats",
        verbose_name=_("cluster year"),
        help_text="empty for the province's council",
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    role = models.CharField(_("role in the council"), max_length=10, choices=CouncilRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account"),
    )
    unit = models.ForeignKey(
        "clusters.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "user"],
                condition=Q(cluster_year__isnull=False, user__isnull=False),
                name="council_seat_once_per_cluster_year",
            ),
            models.UniqueConstraint(
                fields=["province", "year", "user"],
                condition=Q(cluster_year__isnull=True, user__isnull=False),
                name="council_seat_once_per_province_year",
            ),
            models.UniqueConstraint(
                fields=["cluster_year", "role"],
                condition=Q(role="chair", cluster_year__isnull=False),
                name="one_chair_per_cluster_council",
            ),
            models.UniqueConstraint(
                fields=["province", "year", "role"],
                condition=Q(role="chair", cluster_year__isnull=True),
                name="one_chair_per_province_council",
            ),
        ]

    def __str__(self):
        return self.name
