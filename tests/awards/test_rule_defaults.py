"""One definition of an award rule's fields and of the default rule."""

import pytest

from awards.forms import AwardRuleForm
from awards.models import AwardRule
from awards.models.rules import RULE_FIELDS, SNAPSHOT_FIELDS
from awards.rule_defaults import default_rule, default_snapshot
from tests.awards.helpers import award_types, rule


def test_one_field_list_for_the_form_the_services_and_the_snapshot():
    assert list(AwardRuleForm.base_fields) == list(RULE_FIELDS)
    assert set(SNAPSHOT_FIELDS) < set(RULE_FIELDS)
    model_fields = {f.name for f in AwardRule._meta.get_fields()} - {"id", "cluster_year", "award_type"}
    assert model_fields == set(RULE_FIELDS)


def test_default_rule_is_complete_and_refuses_unknown_names():
    assert set(default_rule()) == set(RULE_FIELDS)
    assert list(default_snapshot(quota_count=3)) == list(SNAPSHOT_FIELDS)
    assert default_snapshot(quota_count=3)["quota_count"] == 3
    with pytest.raises(TypeError, match="quota_cout"):
        default_rule(quota_cout=2)


@pytest.mark.django_db
def test_default_rule_is_a_valid_rule_whose_snapshot_is_the_default_snapshot(cast):
    saved = rule(cast.year, award_types(cast.province)["co-thanh-pho"])
    assert saved.snapshot() == default_snapshot()
