"""Finding 8 (uploads): every door that takes a file refuses a body above MAX_UPLOAD_MB with 413
and a Vietnamese message before the file is read — the externally signed pledge copy (30 MB was
accepted before), the public check, evidence, spreadsheets, certificates, reports, bulk set-up."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from emulation.pledges.models import CopyCheck

pytestmark = pytest.mark.django_db

BIG = 30 * 1024 * 1024  # the probe's size


def doors(cast):
    y = cast.year.pk
    return [
        ("leader_a", reverse("pledges:upload", args=[y])),
        ("leader_a", reverse("pledges:certificate_import", args=[y])),
        ("leader_a", reverse("pledges:certificate_register", args=[y])),
        (None, reverse("pledges:verify", args=["ABCDEF"])),
        ("staff_a", reverse("scoring:sheet_import", args=[y, cast.unit_a.pk])),
        ("secretary", reverse("scoring:criteria_import", args=[y])),
        ("admin", reverse("clusters:bulk_preview")),
        ("admin", reverse("clusters:bulk_apply")),
    ]


def test_every_upload_door_refuses_a_30_mb_file_before_reading_it(client, cast, settings):
    assert settings.MAX_UPLOAD_BYTES < BIG
    for who, url in doors(cast):
        client.logout()
        if who:
            client.force_login(getattr(cast, who))
        response = client.post(url, {"file": SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.7\n" + b"0" * BIG)})
        assert response.status_code == 413, url
        assert "lớn hơn" in response.content.decode() and "MB" in response.content.decode(), url
    assert not Document.objects.exists() and not CopyCheck.objects.exists()


def test_a_file_just_under_the_limit_reaches_the_page(client, cast, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(cast.leader_a)
    url = reverse("pledges:upload", args=[cast.year.pk])
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"0" * 1000)})
    assert response.status_code != 413
