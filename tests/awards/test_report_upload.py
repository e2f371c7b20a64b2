"""The achievement report goes through the one upload check (clusters.uploads): the site's limit,
not a hard-coded 20 MB; a PDF by name and by content."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from awards import services
from awards.models import Nomination
from tests.awards.helpers import award_types, open_poll, rule, to_voting

pytestmark = pytest.mark.django_db


@pytest.fixture
def nomination(cast):
    cy = to_voting(cast.year)
    kind = award_types(cast.province)["co-thanh-pho"]
    rule(cy, kind)
    poll = open_poll(cy, kind, candidates=[cast.unit_a], voters=[cast.leader_a], actor=cast.secretary)
    return Nomination.objects.create(
        cluster_year=cy, award_type=kind, unit=cast.unit_a, unit_name=cast.unit_a.name, poll=poll
    )


def upload(nomination, cast, name, content):
    services.achievement_report_upload(
        nomination=nomination, upload=SimpleUploadedFile(name, content), actor=cast.staff_a
    )


@override_settings(MAX_UPLOAD_BYTES=1024 * 1024)
def test_report_above_the_sites_limit_is_refused_with_that_limit(nomination, cast):
    with pytest.raises(ValidationError) as exc:
        upload(nomination, cast, "bao-cao.pdf", b"%PDF-1.7" + b"0" * (1024 * 1024))
    assert exc.value.code == "size" and "1 MB" in exc.value.messages[0]
    upload(nomination, cast, "bao-cao.pdf", b"%PDF-1.7" + b"0" * 1000)
    nomination.refresh_from_db()
    assert nomination.achievement_report


@pytest.mark.parametrize(
    "name,content,code", [("bao-cao.docx", b"PK\x03\x04", "type"), ("bao-cao.pdf", b"MZ\x90", "content")]
)
def test_report_must_be_a_real_pdf(nomination, cast, name, content, code):
    with pytest.raises(ValidationError) as exc:
        upload(nomination, cast, name, content)
    assert exc.value.code == code
    nomination.refresh_from_db()
    assert not nomination.achievement_report
