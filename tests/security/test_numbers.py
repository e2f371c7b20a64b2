"""Finding 5: one strict reader for every number, bounds on every stored number, file names cut
by bytes, and no HTTP 500 for any of the probe's inputs."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.uploads import safe_name
from emulation.scoring.models import Adjustment, Evidence, ScoreEntry
from emulation.scoring.values import parse_decimal
from tests.emulation.scoring.conftest import build_table, open_scoring, sheet
from tests.factories import make_cast


@pytest.mark.parametrize(
    "text, value",
    [
        ("92,58", "92.58"),
        ("1.312,5", "1312.5"),
        ("92.58", "92.58"),
        ("7", "7"),
        (" 1 000 ", "1000"),
        ("1.000.000", "1000000"),
        ("0.125", "0.125"),
        ("-3,5", "-3.5"),
        (8.5, "8.5"),
    ],
)
def test_vietnamese_and_plain_numbers_are_read(text, value):
    assert parse_decimal(text, places=None) == Decimal(value)


@pytest.mark.parametrize(
    "text, code",
    [
        ("0.5.0", "invalid"),  # was read as 50
        ("92.58.1", "invalid"),  # was read as 92581
        ("1.000", "ambiguous"),  # a thousand or one? refused with the way to write either
        ("12.500", "ambiguous"),
        ("1,312.5", "invalid"),  # English grouping
        ("١٢", "invalid"),  # Arabic-Indic digits
        ("１２", "invalid"),  # full-width digits
        ("1e308", "invalid"),
        ("NaN", "invalid"),
        ("inf", "invalid"),
        ("1" * 27, "max"),
        ("9" * 19, "max"),
        (1e308, "max"),
        (float("nan"), "invalid"),
        (True, "invalid"),
        ("5,", "invalid"),
        ("", "required"),
    ],
)
def test_what_could_be_misread_is_refused_with_the_reason(text, code):
    with pytest.raises(ValidationError) as exc:
        parse_decimal(text, places=None)
    assert exc.value.error_list[0].code == code


def test_the_ambiguous_thousand_says_how_to_write_it():
    with pytest.raises(ValidationError) as exc:
        parse_decimal("1.000")
    assert "1000" in exc.value.messages[0] and "1,5" in exc.value.messages[0]


def test_file_names_are_cut_by_utf8_bytes_keeping_the_extension():
    name = safe_name("ệ" * 200 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 120 and name.startswith("ệ")
    assert safe_name("../../a\x00b.pdf") == "ab.pdf"


@pytest.fixture
def sc(db):
    cast = make_cast()
    cast.criteria = build_table(cast.year, cast.admin)
    cast.year = open_scoring(cast.year)
    return cast


@pytest.mark.parametrize("value", ["1" * 27, "1e308", "9" * 19, "0.5.0", "١٢", "NaN"])
def test_probe_scores_answer_a_message_not_500(client, sc, value):
    client.force_login(sc.staff_a)
    url = reverse("scoring:row_save", args=[sc.year.pk, sc.unit_a.pk, sc.criteria.c12.pk])
    response = client.post(url, {"value": value, "note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()
    assert not ScoreEntry.objects.filter(self_points__isnull=False).exists()


@pytest.mark.parametrize("points", ["999999", "9" * 19, "100,01"])
def test_bonus_and_deduction_are_bounded(client, sc, points):
    s = sheet(sc, sc.unit_a)
    client.force_login(sc.secretary)
    url = reverse("scoring:adjustment_add", args=[sc.year.pk, sc.unit_a.pk])
    response = client.post(url, {"kind": "bonus", "points": points, "reason": "thử"}, follow=True)
    assert response.status_code == 200
    assert not Adjustment.objects.filter(sheet=s).exists()


def test_a_criterion_maximum_is_bounded(sc):
    from emulation.scoring import services

    with pytest.raises(ValidationError):
        services.criterion_add(
            cluster_year=sc.year, actor=sc.admin, code="9", text="Quá lớn", max_points="1000000", kind="fixed"
        )


def test_a_200_character_evidence_name_is_stored_cut_by_bytes(client, sc, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(sc.staff_a)
    url = reverse("scoring:evidence_upload", args=[sc.year.pk, sc.unit_a.pk, sc.criteria.c11.pk])
    upload = SimpleUploadedFile("ệ" * 200 + ".pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert len(evidence.original_name.encode()) <= 120 and evidence.original_name.endswith(".pdf")


@pytest.mark.parametrize("value", ["1.000", "1" * 27, "١٢"])
def test_a_registered_target_is_read_by_the_same_parser(sc, value):
    from emulation.pledges import services as pledges

    type(sc.year).objects.filter(pk=sc.year.pk).update(stage="registration")
    sc.year.refresh_from_db()
    row = {"key": "thu", "name": "Thu ngân sách", "value": value, "measure": "", "note": ""}
    with pytest.raises(ValidationError) as exc:
        pledges.registration_save(
            cluster_year=sc.year, unit=sc.unit_a, aims="", targets=[row], actor=sc.staff_a
        )
    assert "Dòng 1" in exc.value.messages[0]


def test_an_oversized_request_body_is_refused_before_it_is_read(client, sc, settings):
    client.force_login(sc.staff_a)
    url = reverse("scoring:evidence_upload", args=[sc.year.pk, sc.unit_a.pk, sc.criteria.c11.pk])
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * (12 * 1024 * 1024))})
    assert response.status_code == 413
    assert "MB" in response.content.decode()
