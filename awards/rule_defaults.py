"""The one default award rule, for the demo, the bench data, the tests and anyone who needs a
complete rule: the model's field defaults (more than half of the electorate, a quorum of two
thirds, secret ballot, rounding down) with a fixed quota of one unit."""

from .models.rules import RULE_FIELDS, SNAPSHOT_FIELDS, AwardRule


def default_rule(**overrides):
    """Every field of `RULE_FIELDS` with its default, `overrides` applied (unknown names refused)."""
    rule = {f: AwardRule._meta.get_field(f).get_default() for f in RULE_FIELDS}
    rule["quota_count"] = 1
    unknown = set(overrides) - set(rule)
    if unknown:
        raise TypeError(f"not a field of an award rule: {', '.join(sorted(unknown))}")
    rule.update(overrides)
    return rule


def default_snapshot(**overrides):
    """The default rule as a poll freezes it (the shape of `AwardRule.snapshot()`)."""
    rule = default_rule(**overrides)
    return {f: rule[f] for f in SNAPSHOT_FIELDS}
