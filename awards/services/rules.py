"""Award types and the rules of a year (the province admin)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit

from ..models import AwardRule, AwardType, QuotaKind
from ..models.rules import RULE_FIELDS
from ._base import require

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def award_type_save(*, province, actor, code, name, precedence, active=True, award_type=None):
    require(actor, "awards.manage_types", province)
    clash = AwardType.objects.filter(province=province, code=code)
    if award_type is not None:
        clash = clash.exclude(pk=award_type.pk)
    if clash.exists():
        raise ValidationError(_("An award type with code “%(code)s” already exists.") % {"code": code})
    new = {"code": code, "name": name, "precedence": precedence, "active": active}
    if award_type is None:
        award_type = AwardType.objects.create(province=province, **new)
        audit.record(actor=actor, action="award_type.created", obj=award_type, data=new)
        return award_type
    award_type = AwardType.objects.select_for_update().get(pk=award_type.pk, province=province)
    old = {k: getattr(award_type, k) for k in new}
    for k, v in new.items():
        setattr(award_type, k, v)
    award_type.save()
    audit.record(actor=actor, action="award_type.changed", obj=award_type, data={"old": old, "new": new})
    return award_type


def check_rule(data):
    kind = data.get("quota_kind")
    if kind == QuotaKind.FIXED and not data.get("quota_count"):
        raise ValidationError(_("Enter the number of units for a fixed quota."))
    if kind in (QuotaKind.SHARE_MEMBERS, QuotaKind.SHARE_REMAINING):
        num, den = data.get("quota_num"), data.get("quota_den")
        if not num or not den or num > den:
            raise ValidationError(_("Enter the share as a fraction between 0 and 1, e.g. 1/2."))
    for label, num, den in (
        (_("vote threshold"), data.get("threshold_num"), data.get("threshold_den")),
        (_("quorum"), data.get("quorum_num"), data.get("quorum_den")),
    ):
        if num is None or not den or num > den:
            raise ValidationError(_("The %(what)s must be a fraction between 0 and 1.") % {"what": label})


@transaction.atomic
def rule_save(*, cluster_year, award_type, actor, **data):
    """Create or change the rule of an award for a year. Polls already opened keep the rule they
    were opened with (a copy is frozen in each poll)."""
    require(actor, "awards.manage_rules", cluster_year)
    return _rule_write(cluster_year, award_type, actor, data)


@transaction.atomic
def rules_copy_forward(source, target, actor):
    """Copy the rules of `source` to the next year `target` when it has none yet (part of starting
    the next year, which the province or the year's secretary does). Returns the rules written."""
    require(actor, "awards.copy_rules_forward", source)
    if AwardRule.objects.filter(cluster_year=target).exists():
        return []
    return [
        _rule_write(target, rule.award_type, actor, {k: getattr(rule, k) for k in RULE_FIELDS})
        for rule in AwardRule.objects.filter(cluster_year=source).select_related("award_type")
    ]


def _rule_write(cluster_year, award_type, actor, data):
    if award_type.province_id != cluster_year.cluster.province_id:
        raise ValidationError(_("The award type belongs to another province."))
    data = {k: data.get(k) for k in RULE_FIELDS if k in data}
    check_rule(data)
    rule = (
        AwardRule.objects.select_for_update().filter(cluster_year=cluster_year, award_type=award_type).first()
    )
    if rule is None:
        rule = AwardRule(cluster_year=cluster_year, award_type=award_type)
        old = None
    else:
        old = {k: getattr(rule, k) for k in data}
    for k, v in data.items():
        setattr(rule, k, v)
    rule.save()
    audit.record(
        actor=actor,
        action="award_rule.saved",
        obj=cluster_year,
        province_id=award_type.province_id,
        data={"award": award_type.code, "old": old, "new": data},
    )
    return rule
