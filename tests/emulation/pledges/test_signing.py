"""Signing the pledge in the application: order, refusals, identity, the signing task's own
check, imported keys; external uploads (checked by the task) and who may make them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Role
from emulation.pledges import crypto, pdf, services
from emulation.pledges.models import CheckState, SignatureState, UnitCertificate
from emulation.pledges.selectors import pledge_summary
from emulation.pledges.verification import INTACT, check_file
from tests import pdfcheck
from tests.emulation.pledges import pki
from tests.emulation.pledges.helpers import (
    draft,
    finalised,
    render_in_process,
    sign_in_process,
    upload_in_process,
)
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.poppler, pytest.mark.django_db]


@pytest.fixture
def signed_setup(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    return cast, version


def test_two_signatures_in_order_a_then_b_are_trusted_timestamped_and_in_their_boxes(signed_setup):
    cast, version = signed_setup
    assert sign_in_process(version, cast.leader_a).state == SignatureState.DONE
    assert sign_in_process(version, cast.leader_b).state == SignatureState.DONE
    version.refresh_from_db()
    data = services.current_pdf(version)
    report = check_file(version, data)
    assert [s.unit for s in report.signatures] == ["Huyện Vĩnh Bảo", "Huyện Thủy Nguyên"]
    assert all(s.trusted and s.counts and s.timestamp for s in report.signatures)
    assert report.verdict == "earlier" and "2/3" in report.message
    path = pdfcheck.save(data, "pledge-signed-a-b.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert "Đã ký số bởi" in pdfcheck.text(path)


def test_all_units_sign_in_any_order_and_the_official_copy_is_intact(signed_setup):
    cast, version = signed_setup
    for user in (cast.leader_b, cast.leader_a):
        assert sign_in_process(version, user).state == SignatureState.DONE
    assert pledge_summary(cast.year)["official_document_id"] is None
    assert sign_in_process(version, cast.leader_head).state == SignatureState.DONE
    summary = pledge_summary(cast.year)
    assert summary["signed"] == 3 and summary["official_document_id"] is not None
    assert [s[0] for s in summary["signatories"]] == ["Huyện Thủy Nguyên", "Huyện Vĩnh Bảo", "Huyện Cát Hải"]
    version.refresh_from_db()
    report = check_file(version, services.current_pdf(version))
    assert report.verdict == INTACT and report.document_timestamp is not None, report.message
    pdfcheck.assert_decree30_layout(pdfcheck.save(services.current_pdf(version), "pledge-signed-all.pdf"))


def test_stamp_printed_name_and_certificate_subject_are_one_identity(signed_setup):
    cast, version = signed_setup
    sig = sign_in_process(version, cast.leader_a)
    uc = UnitCertificate.objects.get(unit=cast.unit_a, active=True)
    cert = crypto.load_cert(uc.certificate_pem)
    assert crypto.common_name(cert) == sig.signer_name == uc.person_name == cast.unit_a.leader_name
    assert f"O=UBND {cast.unit_a.name}" in crypto.subject_text(cert) and uc.year == cast.year.year
    text = " ".join(
        pdfcheck.text(pdfcheck.save(services.current_pdf(version), "pledge-identity.pdf")).split()
    )
    assert f"Đã ký số bởi: {cast.unit_a.leader_name}" in text and f"UBND {cast.unit_a.name}" in text
    # document signing, not e-mail protection; a CRL distribution point of the application
    eku = cert.extensions.get_extension_for_class(crypto.x509.ExtendedKeyUsage).value
    assert list(eku) == [crypto.DOCUMENT_SIGNING]
    ku = cert.extensions.get_extension_for_class(crypto.x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    dp = cert.extensions.get_extension_for_class(crypto.x509.CRLDistributionPoints).value
    assert dp[0].full_name[0].value.endswith(f"/pledges/crl/{cast.province.code}.crl")


def test_a_new_leader_gets_a_new_certificate_and_the_old_one_is_revoked(signed_setup):
    cast, version = signed_setup
    services.unit_certificate(cast.unit_a, year=cast.year.year, person_name="Lãnh đạo cũ")
    old = UnitCertificate.objects.get(unit=cast.unit_a, active=True)
    sign_in_process(version, cast.leader_a)
    old.refresh_from_db()
    assert old.revoked_at is not None and not old.active and old.revocation_reason == "superseded"
    assert UnitCertificate.objects.get(unit=cast.unit_a, active=True).person_name == cast.unit_a.leader_name


def test_second_signature_by_the_same_unit_is_refused(signed_setup):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    with pytest.raises(ValidationError, match="đã ký"):
        services.signature_request(version=version, user=cast.leader_a)
    assert version.signatures.count() == 1


def test_staff_cannot_sign(signed_setup):
    cast, version = signed_setup
    with pytest.raises(PermissionDenied):
        services.signature_request(version=version, user=cast.staff_a)
    assert version.signatures.count() == 0


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


def test_staff_cannot_upload_and_a_leader_cannot_upload_for_another_unit(signed_setup, client):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    data = services.current_pdf(version)
    with pytest.raises(PermissionDenied):
        services.signature_upload(version=version, unit=cast.unit_b, data=data, actor=cast.staff_b)
    with pytest.raises(PermissionDenied):  # the leader of A, in B's box
        services.signature_upload(version=version, unit=cast.unit_b, data=data, actor=cast.leader_a)
    client.login(username="staff_b", password=PASSWORD)
    response = client.post(
        reverse("pledges:upload", args=[cast.year.pk]),
        {"file": SimpleUploadedFile("x.pdf", data, "application/pdf")},
    )
    assert response.status_code == 403
    assert version.signatures.count() == 1


def test_a_leader_cannot_sign_another_units_field_even_with_that_units_certificate(signed_setup):
    """The leader of A signs B's box with B's own registered key (stolen): the upload is refused
    because only B's leader may hand in B's signature."""
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    uc_b = services.unit_certificate(cast.unit_b, year=cast.year.year, person_name=cast.unit_b.leader_name)
    forged = pki.sign_field(
        services.current_pdf(version),
        cast.unit_b,
        crypto.load_cert(uc_b.certificate_pem),
        crypto.decrypt_key(uc_b.key_encrypted),
        province=cast.province,
    )
    with pytest.raises(PermissionDenied):
        upload_in_process(version, cast.unit_b, forged, cast.leader_a)
    assert version.signatures.filter(state=SignatureState.DONE).count() == 1


def test_upload_of_a_foreign_pdf_or_wrong_box_is_rejected_with_a_message(signed_setup, client):
    cast, version = signed_setup
    sign_in_process(version, cast.leader_a)
    foreign, _ = pdf.render(version, pdf.CEREMONY)
    check = upload_in_process(version, cast.unit_b, foreign, cast.leader_b)
    assert check.state == CheckState.FAILED and "không phải là bản hiện tại" in check.message
    uc_head = services.unit_certificate(cast.head, year=cast.year.year, person_name="X")
    wrong_box = pki.sign_field(
        services.current_pdf(version),
        cast.head,
        crypto.load_cert(uc_head.certificate_pem),
        crypto.decrypt_key(uc_head.key_encrypted),
        province=cast.province,
    )
    check = upload_in_process(version, cast.unit_b, wrong_box, cast.leader_b)
    assert check.state == CheckState.FAILED and "ô ký" in check.message
    assert not check.file  # the copy is not kept
    client.login(username="leader_b", password=PASSWORD)
    page = client.get(reverse("pledges:pledge", args=[cast.year.pk])).content.decode()
    assert "ô ký" in page and 'id="upload-check"' in page
    assert version.signatures.count() == 1


def test_imported_pkcs12_certificate_under_a_trusted_root_is_used_for_signing(signed_setup):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    cast, version = signed_setup
    ca_cert, ca_key = crypto.make_ca("Ban Cơ yếu Chính phủ")
    services.trust_root_import(
        province=cast.province, name="CA Chính phủ", data=crypto.cert_pem(ca_cert).encode(), actor=cast.admin
    )
    cert, key = pki.issued_by(ca_cert, ca_key, cast.unit_a, person=cast.unit_a.leader_name)
    p12 = pkcs12.serialize_key_and_certificates(
        b"vb", key, cert, [ca_cert], BestAvailableEncryption(b"mk-123")
    )
    with pytest.raises(ValidationError, match="Không đọc được"):
        services.unit_certificate_import(
            unit=cast.unit_a, year=cast.year.year, data=p12, password="sai", actor=cast.leader_a
        )
    with pytest.raises(PermissionDenied):  # a leader imports for their own unit only
        services.unit_certificate_import(
            unit=cast.unit_b, year=cast.year.year, data=p12, password="mk-123", actor=cast.leader_a
        )
    services.unit_certificate_import(
        unit=cast.unit_a, year=cast.year.year, data=p12, password="mk-123", actor=cast.leader_a
    )
    sig = sign_in_process(version, cast.leader_a)
    assert sig.state == SignatureState.DONE, sig.message
    assert sig.certificate_sha256 == crypto.fingerprint(cert)


def test_a_self_signed_pkcs12_of_another_units_name_signs_nothing(signed_setup):
    """An Lão's leader imports a self-signed .p12 carrying Thủy Nguyên's name: the signing task
    refuses the untrusted signature and the file is not changed."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12

    cast, version = signed_setup
    cert, key = pki.self_signed("UBND Huyện Thủy Nguyên", "UBND Huyện Thủy Nguyên")
    p12 = pkcs12.serialize_key_and_certificates(b"x", key, cert, None, NoEncryption())
    services.unit_certificate_import(
        unit=cast.unit_a, year=cast.year.year, data=p12, password="", actor=cast.leader_a
    )
    sig = sign_in_process(version, cast.leader_a)
    assert sig.state == SignatureState.FAILED and "không do tổ chức" in sig.message
    assert (
        services.current_pdf(version)[:4] == b"%PDF" and version.signatures.filter(state="done").count() == 0
    )


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


@pytest.mark.parametrize("n_members", [3, 15])
def test_pledge_page_query_count_is_constant(client, django_assert_num_queries, n_members):
    from tests.factories import make_year

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
    with django_assert_num_queries(15):
        assert client.get(reverse("pledges:pledge", args=[cy.pk])).status_code == 200


def test_a_signing_task_that_gives_up_tells_the_leader_in_vietnamese(cast):
    """The copy never rendered: after its last retry the task marks the signature failed with a
    Vietnamese message the leader reads on the pledge page (not an English one)."""
    from emulation.pledges.tasks import sign_pledge

    version = finalised(cast.year, cast.secretary)  # its copies are not rendered
    sig = services.signature_request(version=version, user=cast.leader_a)
    sign_pledge.apply(kwargs={"signature_id": sig.pk}, retries=sign_pledge.max_retries)
    sig.refresh_from_db()
    assert sig.state == SignatureState.FAILED
    assert "ký lại" in sig.message and "rendered" not in sig.message


def test_a_signing_error_is_shown_without_its_internals(cast, monkeypatch):
    """An unexpected error while signing: the leader reads a Vietnamese message saying what to
    do; the exception's text (paths, keys, library internals) stays in the worker's log."""
    from emulation.pledges.tasks import sign_pledge

    version = finalised(cast.year, cast.secretary)
    sig = services.signature_request(version=version, user=cast.leader_a)

    def broken(signature_id):
        raise RuntimeError("/var/keys/secret.pem: bad decrypt")

    monkeypatch.setattr(services, "signature_apply", broken)
    with pytest.raises(RuntimeError):  # re-raised for the worker's log and the task's state
        sign_pledge.apply(kwargs={"signature_id": sig.pk}, throw=True)
    sig.refresh_from_db()
    assert sig.state == SignatureState.FAILED
    assert "quản trị của tỉnh" in sig.message and "secret" not in sig.message
