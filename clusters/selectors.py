"""Reads that need joins: they own select_related / prefetch_related."""

import unicodedata

from django.db.models import Prefetch, Q

from .event_models import UnitEvent, UnitEventKind
from .models import Cluster, ClusterYear, MemberRole, Membership, Role, Unit, UnitKind, UnitVersion

UNIT_WITH_VERSIONS = Prefetch("unit", queryset=Unit.objects.prefetch_related("versions"))


def clusters_for(user):
    """Clusters a user may list: all of the province for its admin and council members,
    otherwise those the user's unit has been a member of."""
    qs = Cluster.objects.filter(province_id=user.province_id)
    if user.has_role(Role.PROVINCE_ADMIN):  # and the clusters of provinces merged into it
        merged = UnitEvent.objects.filter(kind=UnitEventKind.PROVINCE_MERGE, province_id=user.province_id)
        qs = Cluster.objects.filter(
            Q(province_id=user.province_id) | Q(province_id__in=merged.values("from_province_id"))
        )
    if user.has_role(Role.PROVINCE_ADMIN) or user.has_role(Role.COUNCIL_MEMBER):
        return qs.order_by("name")
    return qs.filter(years__memberships__unit_id=user.unit_id).distinct().order_by("name")


def years_for_user(user):
    """Cluster years the user's unit belongs to (most recent first)."""
    if user.unit_id is None:
        return ClusterYear.objects.none()
    return (
        ClusterYear.objects.filter(memberships__unit_id=user.unit_id, cluster__province_id=user.province_id)
        .select_related("cluster")
        .prefetch_related("memberships")
        .order_by("-year")
    )


def year_memberships(cluster_year):
    """Members of a year with their unit as it was that year, head and deputy first."""
    members = list(
        Membership.objects.filter(cluster_year=cluster_year)
        .select_related("unit")
        .prefetch_related(Prefetch("unit__versions", queryset=UnitVersion.objects.all()))
    )
    order = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}
    for m in members:
        m.display_name, m.display_short_name, m.display_kind = m.unit.state_in_year(cluster_year.year)
        m.display_kind_label = UnitKind(m.display_kind).label
    return sorted(members, key=lambda m: (order[m.role], vn_sort_key(m.display_name)))


def cluster_history(cluster, years=None):
    """Each year of a cluster (newest first) with its head and deputy as they were named that
    year. `years` lets a caller add its own select_related/annotate to the query."""
    years = years if years is not None else ClusterYear.objects.all()
    years = list(
        years.filter(cluster=cluster)
        .order_by("-year")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role__in=[MemberRole.HEAD, MemberRole.DEPUTY])
                .select_related("unit")
                .prefetch_related("unit__versions"),
                to_attr="leaders",
            )
        )
    )
    for y in years:
        y.head_name = y.deputy_name = ""
        for m in y.leaders:
            name = m.unit.name_in_year(y.year)
            if m.is_head:
                y.head_name = name
            else:
                y.deputy_name = name
    return years


# Vietnamese alphabetical order: a ă â b c d đ e ê … o ô ơ … u ư …; tones are compared only
# when the letters are equal (so "Đồng Hới" sorts after every "D…").
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONED = {
    "a": "àáảãạ",
    "ă": "ằắẳẵặ",
    "â": "ầấẩẫậ",
    "e": "èéẻẽẹ",
    "ê": "ềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọ",
    "ô": "ồốổỗộ",
    "ơ": "ờớởỡợ",
    "u": "ùúủũụ",
    "ư": "ừứửữự",
    "y": "ỳýỷỹỵ",
}
_LETTER = {ch: (i, 0) for i, ch in enumerate(_ALPHABET)}
for _base, _variants in _TONED.items():
    for _tone, _ch in enumerate(_variants, 1):
        _LETTER[_ch] = (_ALPHABET.index(_base), _tone)


def vn_sort_key(text):
    """Sort key for Vietnamese text: letters first in Vietnamese order, tones as tie-breaker."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFC", text or "").lower():
        if ch in _LETTER:
            index, tone = _LETTER[ch]
            letters.append((2, index))
            tones.append(tone)
        else:
            letters.append((0 if ch.isspace() else 1, ord(ch)))
            tones.append(0)
    return (letters, tones)
