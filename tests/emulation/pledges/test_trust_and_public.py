"""The province admin's trust screen (import, list, retire; audited), the CRL and TSA
addresses, and the public verification page: per signature, no fingerprints, rate-limited."""

import pytest
from asn1crypto import tsp
from cryptography import x509
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import AuditEvent
from emulation.pledges import crypto, services
from emulation.pledges.models import CopyCheck, TrustRoot
from tests.emulation.pledges.helpers import finalised, render_in_process, sign_in_process
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    for bucket in ("verify", "verify-poll", "tsa"):
        cache.delete(f"pledges:rate:{bucket}:127.0.0.1")


@pytest.fixture
def signed(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    sign_in_process(version, cast.leader_a)
    version.refresh_from_db()
    return cast, version


def _root_pem(name):
    cert, _key = crypto.make_ca(name)
    return cert, crypto.cert_pem(cert).encode()


@pytest.mark.parametrize("username, status", [("admin", 200), ("secretary", 403), ("leader_a", 403)])
def test_only_the_province_admin_sees_the_trust_screen(client, cast, username, status):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("pledges:trust")).status_code == status


def test_trust_screen_names_the_province_authority_without_the_raw_distinguished_name(client, cast):
    services.authority_create(province=cast.province)
    client.login(username="admin", password=PASSWORD)
    page = client.get(reverse("pledges:trust")).content.decode()
    assert f"CA {cast.province.name}" in page
    assert "CN=" not in page and ",C=VN" not in page


def test_admin_imports_lists_and_retires_a_root_audited(client, cast):
    services.authority_create(province=cast.province)
    cert, pem = _root_pem("Root CA Chính phủ")
    client.login(username="admin", password=PASSWORD)
    url = reverse("pledges:trust")
    client.post(url, {"name": "CA Chính phủ", "file": SimpleUploadedFile("root.crt", pem)})
    root = TrustRoot.objects.get(province=cast.province)
    page = client.get(url).content.decode()
    assert "CA Chính phủ" in page and f"CA {cast.province.name}" in page and "Ngừng tin cậy" in page
    # a leaf certificate is not a root
    leaf, _ = crypto.issue_unit_certificate(cert, crypto.make_ca("x")[1], person_name="A", unit_name="B")
    response = client.post(
        url, {"name": "x", "file": SimpleUploadedFile("leaf.crt", crypto.cert_pem(leaf).encode())}
    )
    assert "không phải chứng thư số của một tổ chức" in response.content.decode()
    client.post(reverse("pledges:trust_root_retire", args=[root.pk]))
    root.refresh_from_db()
    assert root.retired_at is not None
    actions = set(AuditEvent.objects.filter(province_id=cast.province.pk).values_list("action", flat=True))
    assert {"trust_root.imported", "trust_root.retired"} <= actions
    # another province's admin cannot retire it (404 before the rule)
    client.login(username="other", password=PASSWORD)
    assert client.post(reverse("pledges:trust_root_retire", args=[root.pk])).status_code == 404


def test_crl_is_published_at_a_stable_address_and_lists_revoked_certificates(client, cast):
    services.authority_create(province=cast.province)
    uc = services.unit_certificate(cast.unit_a, year=cast.year.year, person_name="A")
    url = reverse("pledges:crl", args=[cast.province.code])
    crl = x509.load_der_x509_crl(client.get(url).content)
    assert len(list(crl)) == 0
    services.certificate_revoke(certificate=uc, actor=cast.admin)
    crl = x509.load_der_x509_crl(client.get(url).content)
    serial = crypto.load_cert(uc.certificate_pem).serial_number
    assert crl.get_revoked_certificate_by_serial_number(serial) is not None
    ca = crypto.load_cert(cast.province.signing_ca.certificate_pem)
    assert crl.is_signature_valid(ca.public_key())


def test_the_province_tsa_answers_rfc3161_over_http(client, cast):
    services.authority_create(province=cast.province)
    req = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x01" * 32},
            "nonce": 12345,
            "cert_req": True,
        }
    )
    response = client.post(
        reverse("pledges:tsa", args=[cast.province.code]),
        req.dump(),
        content_type="application/timestamp-query",
    )
    assert response["Content-Type"] == "application/timestamp-reply"
    resp = tsp.TimeStampResp.load(response.content)
    assert resp["status"]["status"].native == "granted"
    info = resp["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["nonce"].native == 12345 and info["message_imprint"]["hashed_message"].native == b"\x01" * 32


def test_public_page_checks_a_copy_in_a_task_and_answers_per_signature(client, signed):
    cast, version = signed
    url = reverse("pledges:verify", args=[version.code])
    page = client.get(url).content.decode()
    assert "1/3 thành viên đã ký" in page and "SHA-256" not in page
    data = services.current_pdf(version)
    response = client.post(url, {"file": SimpleUploadedFile("ban.pdf", data, "application/pdf")})
    check = CopyCheck.objects.get()
    assert response.status_code == 302 and check.token in response.url
    assert "Đang kiểm tra tệp" in client.get(response.url).content.decode()  # the task has not run
    services.copy_check_run(check.pk)
    page = client.get(response.url).content.decode()
    assert "Bản ở thời điểm 1/3 đơn vị đã ký" in page
    assert "Huyện Vĩnh Bảo" in page and cast.unit_a.leader_name in page and f"CA {cast.province.name}" in page
    assert "toàn bộ văn bản" in page and "UTC" in page
    assert (
        "SHA-256" not in page
        and crypto.fingerprint(crypto.load_cert(cast.province.signing_ca.certificate_pem)) not in page
    )
    # a token of another version is not found
    assert client.get(reverse("pledges:verify_check", args=["KHONGCOMA1", check.token])).status_code == 404


def test_public_checks_are_rate_limited(client, signed, settings):
    _cast, version = signed
    url = reverse("pledges:verify", args=[version.code])
    statuses = [
        client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.7 x", "application/pdf")}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [302] * 10 and statuses[10:] == [429, 429]
    assert CopyCheck.objects.count() == 10


def test_a_file_that_is_not_a_pdf_is_refused_on_the_public_page_before_anything_is_stored(client, signed):
    """The one upload check (clusters.uploads): a non-PDF or an empty file gets a clear
    Vietnamese message at once; no copy check is stored or queued."""
    _cast, version = signed
    url = reverse("pledges:verify", args=[version.code])
    for upload, needle in [
        (
            SimpleUploadedFile("ban.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            "không thực sự là tệp PDF",
        ),
        (SimpleUploadedFile("ban.exe", b"%PDF-1.7 disguised", "application/pdf"), "không phải là tệp PDF"),
        (SimpleUploadedFile("ban.pdf", b"", "application/pdf"), "Hãy chọn một tệp PDF"),
    ]:
        page = client.post(url, {"file": upload}, follow=True).content.decode()
        assert needle in page, needle
    assert not CopyCheck.objects.exists()


def test_a_leaders_upload_that_is_not_a_pdf_is_refused_at_once(client, signed):
    cast, version = signed
    client.login(username=cast.leader_b.username, password=PASSWORD)
    page = client.post(
        reverse("pledges:upload", args=[cast.year.pk]),
        {"file": SimpleUploadedFile("ky.pdf", b"PK\x03\x04 a zip", "application/pdf")},
        follow=True,
    ).content.decode()
    assert "không thực sự là tệp PDF" in page
    assert not CopyCheck.objects.exists()
