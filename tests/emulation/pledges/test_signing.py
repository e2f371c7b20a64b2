"""PAdES signing of the pledge: order, refusals, tamper detection, upload checks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from emulation.pledges import crypto, pdf, services
from emulation.pledges.models import SignatureState
from emulation.pledges.selectors import pledge_summary
from emulation.pledges.verification import check_copy, trust_roots
from tests import pdfcheck
from tests.emulation.pledges.helpers import draft, finalised, render_in_process, sign_in_process
from tests.factories import PASSWORD

pytestmark = [pytest.mark.poppler, pytest.mark.django_db]


@pytest.fixture
def signed_setup(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    return cast, version


def _signed_bytes(version):
    return services.current_pdf(version)


def test_two_signatures_in_order_a_then_b_both_stay_valid(signed_setup):
    cast, version = signed_setup
    sig_a = sign_in_process(version, cast.leader_a)
    assert sig_a.state == SignatureState.DONE, sig_a.message
    sig_b = sign_in_process(version, cast.leader_b)
    assert sig_b.state == SignatureState.DONE, sig_b.message
    data = _signed_bytes(version)
    checks = pdf.inspect_signatures(data, [])
    assert [c.field for c in checks] == [pdf.field_name(cast.unit_a.pk), pdf.field_name(cast.unit_b.pk)]
    assert all(c.intact and c.valid for c in checks)
    path = pdfcheck.save(data, "pledge-signed-a-b.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert "Đã ký số bởi" in pdfcheck.text(path)
    version.refresh_from_db()
    assert check_copy(version, data).intact


def test_signatures_in_order_b_then_a_then_head_make_the_official_copy(signed_setup):
    cast, version = signed_setup
    for user in (cast.leader_b, cast.leader_a):
        assert sign_in_process(version, user).state == SignatureState.DONE
    summary = pledge_summary(cast.year)
    assert summary["signed"] == 2 and summary["official_document_id"] is None
    assert sign_in_process(version, cast.leader_head).state == SignatureState.DONE
    data = _signed_bytes(version)
    checks = pdf.inspect_signatures(data, trust_roots(cast.province.pk))
    assert [c.field for c in checks] == [pdf.field_name(u.pk) for u in (cast.unit_b, cast.unit_a, cast.head)]
    assert all(c.intact and c.valid and c.trusted for c in checks)
    summary = pledge_summary(cast.year)
    assert summary["signed"] == 3 and summary["members"] == 3
    assert (
        summary["official_document_id"] == Document.objects.get(key=services.signed_document_key(version)).pk
    )
    assert [s[0] for s in summary["signatories"]] == ["Huyện Thủy Nguyên", "Huyện Vĩnh Bảo", "Huyện Cát Hải"]
    pdfcheck.assert_decree30_layout(pdfcheck.save(data, "pledge-signed-all-b-a-head.pdf"))


def test_second_signature_by_the_same_unit_is_refused(signed_setup):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    with pytest.raises(ValidationError, match="đã ký"):
        services.signature_request(version=version, user=cast.leader_a)
    assert version.signatures.count() == 1


def test_signature_by_a_non_leader_is_refused(signed_setup):
    cast, version = signed_setup
    with pytest.raises(PermissionDenied):
        services.signature_request(version=version, user=cast.staff_a)
    assert version.signatures.count() == 0


def test_staff_cannot_upload_and_a_leader_cannot_upload_for_another_unit(signed_setup, client):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    outside = _outside_signature(_signed_bytes(version), cast.unit_b)
    with pytest.raises(PermissionDenied):
        services.signature_upload(version=version, unit=cast.unit_b, data=outside, actor=cast.staff_b)
    with pytest.raises(PermissionDenied):
        services.signature_upload(version=version, unit=cast.unit_b, data=outside, actor=cast.leader_a)
    client.login(username="staff_b", password=PASSWORD)
    upload = reverse("pledges:upload", args=[cast.year.pk])
    response = client.post(upload, {"file": SimpleUploadedFile("x.pdf", outside, "application/pdf")})
    assert response.status_code == 403
    assert version.signatures.count() == 1


def test_signature_of_a_draft_version_is_refused(cast):
    version = draft(cast.year, cast.secretary)
    with pytest.raises(ValidationError, match="đã chốt"):
        services.signature_request(version=version, user=cast.leader_a)


def test_sign_page_refuses_wrong_password_and_non_leader(client, signed_setup):
    cast, version = signed_setup
    client.login(username="leader_a", password=PASSWORD)
    url = reverse("pledges:sign", args=[cast.year.pk])
    client.post(url, {"version": version.pk, "password": "sai-mat-khau"})
    assert version.signatures.count() == 0
    client.post(url, {"version": version.pk, "password": PASSWORD})
    assert version.signatures.get().unit == cast.unit_a
    client.login(username="staff_b", password=PASSWORD)
    assert client.post(url, {"version": version.pk, "password": PASSWORD}).status_code == 403
    client.login(username="other", password=PASSWORD)
    assert client.post(url, {"version": version.pk, "password": PASSWORD}).status_code == 404


def _tamper(data, at):
    pos = data.index(b"stream\n", at) + 40
    return data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :]


def test_a_byte_changed_after_signing_is_detected(signed_setup):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    version.refresh_from_db()
    data = _signed_bytes(version)
    assert check_copy(version, data).intact
    tampered = _tamper(data, 1000)
    report = check_copy(version, tampered)
    assert not report.intact and "thay đổi" in report.message
    checks = pdf.inspect_signatures(tampered, trust_roots(cast.province.pk))
    assert checks and not checks[0].intact
    # also a change after the signed range (an appended update would be "one more revision")
    assert not check_copy(version, data[:-10] + b"xxxxxxxxxx").intact


def test_public_verification_page_and_upload_check(client, signed_setup):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    url = reverse("pledges:verify", args=[version.code])
    page = client.get(url).content.decode()
    assert "1/3 thành viên đã ký" in page and "Tệp lưu trên hệ thống đúng là tệp" in page
    data = _signed_bytes(version)
    ok = client.post(url, {"file": SimpleUploadedFile("ban.pdf", data, "application/pdf")}).content.decode()
    assert "Bản nguyên vẹn: 1 chữ ký hợp lệ" in ok
    bad = client.post(url, {"file": SimpleUploadedFile("ban.pdf", _tamper(data, 1000), "application/pdf")})
    assert "không phải là bản của giao ước này" in bad.content.decode()
    assert client.get(reverse("pledges:verify", args=["KHONGCOMA1"])).status_code == 404


def _outside_signature(data, unit):
    """What a USB-token signing tool does: one more incremental signature with its own certificate."""
    ca_cert, ca_key = crypto.make_ca("Nhà cung cấp dịch vụ chứng thực")
    cert, key = crypto.issue_unit_certificate(ca_cert, ca_key, unit.name, "Hải Phòng")
    stamp = pdf.stamp_pdf(signer_name="Nguyễn Văn Token", unit_name=unit.name, signed_at=timezone.now())
    return pdf.sign(
        data,
        field=pdf.field_name(unit.pk),
        key=key,
        cert=cert,
        chain=[ca_cert],
        stamp=stamp,
        reason="Ký bằng USB token",
        location="Hải Phòng",
        signer_name="Nguyễn Văn Token",
    )


def test_upload_of_an_externally_signed_copy_is_accepted(signed_setup):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    outside = _outside_signature(_signed_bytes(version), cast.unit_b)
    sig = services.signature_upload(version=version, unit=cast.unit_b, data=outside, actor=cast.leader_b)
    assert sig.external and sig.state == SignatureState.DONE
    assert _signed_bytes(version) == outside
    assert sign_in_process(version, cast.leader_head).state == SignatureState.DONE
    assert all(c.intact and c.valid for c in pdf.inspect_signatures(_signed_bytes(version), []))


def test_upload_of_a_foreign_pdf_is_rejected(signed_setup, client):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    foreign, _ = pdf.render(version, pdf.CEREMONY)
    with pytest.raises(ValidationError, match="không phải là bản hiện tại"):
        services.signature_upload(version=version, unit=cast.unit_b, data=foreign, actor=cast.leader_b)
    # the current copy signed in the wrong box, and a copy missing the earlier signature
    wrong_box = _outside_signature(_signed_bytes(version), cast.head)
    with pytest.raises(ValidationError, match="ô ký"):
        services.signature_upload(version=version, unit=cast.unit_b, data=wrong_box, actor=cast.leader_b)
    base = Document.objects.get(key=f"pledge-{version.pk}-v{version.number}-signing")
    with pytest.raises(ValidationError):
        services.signature_upload(
            version=version,
            unit=cast.unit_b,
            data=_outside_signature(base.file.read(), cast.unit_b),
            actor=cast.leader_b,
        )
    assert version.signatures.count() == 1
    client.login(username="leader_b", password=PASSWORD)
    client.post(
        reverse("pledges:upload", args=[cast.year.pk]),
        {"file": SimpleUploadedFile("x.pdf", foreign, "application/pdf")},
    )
    assert version.signatures.count() == 1


def test_imported_pkcs12_certificate_is_used_for_signing(signed_setup):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    cast, version = signed_setup
    ca_cert, ca_key = crypto.make_ca("CA riêng")
    cert, key = crypto.issue_unit_certificate(ca_cert, ca_key, cast.unit_a.name, "Hải Phòng")
    p12 = pkcs12.serialize_key_and_certificates(
        b"vb", key, cert, [ca_cert], BestAvailableEncryption(b"mk-123")
    )
    with pytest.raises(ValidationError, match="Không đọc được"):
        services.unit_certificate_import(unit=cast.unit_a, data=p12, password="sai", actor=cast.leader_a)
    services.unit_certificate_import(unit=cast.unit_a, data=p12, password="mk-123", actor=cast.leader_a)
    sig = sign_in_process(version, cast.leader_a)
    assert sig.certificate_sha256 == crypto.fingerprint(cert)


def test_verification_page_reports_a_stored_file_changed_on_disk(client, signed_setup):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    doc = Document.objects.get(key=services.signed_document_key(version))
    tampered = _tamper(services.current_pdf(version), 1000)
    with open(doc.file.path, "wb") as f:
        f.write(tampered)
    page = client.get(reverse("pledges:verify", args=[version.code])).content.decode()
    assert "Tệp lưu trên hệ thống khác với tệp" in page


@pytest.mark.parametrize("n_members", [3, 15])
def test_pledge_page_query_count_is_constant(client, django_assert_num_queries, n_members):
    from clusters.models import Role
    from tests.factories import make_user, make_year

    cy, units = make_year(n_members=n_members)
    services.authority_create(province=cy.cluster.province)
    secretary = make_user("sec", province=cy.cluster.province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    version = finalised(cy, secretary)
    render_in_process(version)
    for unit in units[:2]:
        sign_in_process(
            version, make_user(f"l{unit.pk}", province=unit.province, unit=unit, roles=[Role.UNIT_LEADER])
        )
    client.force_login(secretary)
    with django_assert_num_queries(14):
        assert client.get(reverse("pledges:pledge", args=[cy.pk])).status_code == 200


def test_without_province_authority_the_signature_fails_visibly_and_can_be_retried(client, cast):
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    failed = sign_in_process(version, cast.leader_a)
    assert failed.state == SignatureState.FAILED and "chưa có tổ chức cấp chứng thư" in failed.message
    client.login(username="leader_a", password=PASSWORD)
    page = client.get(reverse("pledges:pledge", args=[cast.year.pk])).content.decode()
    assert "chưa có tổ chức cấp chứng thư" in page and "Ký giao ước" in page
    services.authority_create(province=cast.province)
    assert sign_in_process(version, cast.leader_a).state == SignatureState.DONE
    partial = client.get(reverse("pledges:signatures", args=[cast.year.pk])).content.decode()
    assert "Chữ ký: 1/3" in partial and "hx-get" not in partial


def test_signature_table_polls_while_a_signature_is_queued(client, signed_setup):
    cast, version = signed_setup
    services.signature_request(version=version, user=cast.leader_a)  # the task is not run here
    client.login(username="leader_a", password=PASSWORD)
    partial = client.get(reverse("pledges:signatures", args=[cast.year.pk])).content.decode()
    assert "hx-get" in partial and "Đang ký" in partial


def test_an_unsigned_update_appended_after_the_last_signature_is_detected(signed_setup):
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    version.refresh_from_db()
    writer = IncrementalPdfFileWriter(io.BytesIO(_signed_bytes(version)))
    writer.root["/PageMode"] = generic.NameObject("/FullScreen")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    report = check_copy(version, out.getvalue())
    assert not report.intact and "thay đổi sau" in report.message
    with pytest.raises(ValidationError):
        services.signature_upload(version=version, unit=cast.unit_b, data=out.getvalue(), actor=cast.leader_b)
