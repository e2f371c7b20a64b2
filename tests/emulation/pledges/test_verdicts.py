"""The verdict table of issue 11: each case a test, through the real checks (pyHanko validation
against the province's roots and CRL, the unit binding) — the public page's check and, where a
unit hands in a file, the upload check that decides whether the pledge moves on."""

import datetime
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from emulation.pledges import crypto, services
from emulation.pledges.models import CheckState, SignatureState
from emulation.pledges.verification import BROKEN, EARLIER, INTACT, check_file
from tests.emulation.pledges import pki
from tests.emulation.pledges.helpers import finalised, render_in_process, sign_in_process, upload_in_process

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def setup(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    sign_in_process(version, cast.leader_a)
    version.refresh_from_db()
    return cast, version


def _refused(cast, version, data, needle):
    """Leader B hands in `data`: refused with `needle` in the message, nothing recorded, and
    the public check does not call it intact either."""
    check = upload_in_process(version, cast.unit_b, data, cast.leader_b)
    assert check.state == CheckState.FAILED, check.message
    assert needle in check.message, check.message
    assert not version.signatures.filter(unit=cast.unit_b, state=SignatureState.DONE).exists()
    report = check_file(version, data)
    assert report.verdict == BROKEN and not report.intact
    return report


def _ca(name):
    return crypto.make_ca(name)


def test_app_signed_is_trusted(setup):
    cast, version = setup
    report = check_file(version, services.current_pdf(version))
    (sig,) = report.signatures
    assert sig.trusted and sig.counts and sig.timestamp and sig.whole_document
    assert sig.unit == "Huyện Vĩnh Bảo" and sig.person == cast.unit_a.leader_name
    assert sig.issuer == f"CA {cast.province.name}"


def test_signed_by_another_provinces_ca_is_refused(setup):
    cast, version = setup
    other = services.authority_create(province=cast.other_province)
    cert, key = pki.issued_by(
        crypto.load_cert(other.certificate_pem), crypto.decrypt_key(other.key_encrypted), cast.unit_b
    )
    data = pki.sign_field(services.current_pdf(version), cast.unit_b, cert, key, province=cast.province)
    report = _refused(cast, version, data, "không do tổ chức")
    assert not report.signatures[-1].trusted


def test_self_signed_with_the_right_unit_name_is_refused(setup):
    cast, version = setup
    cert, key = pki.self_signed("UBND Huyện Thủy Nguyên", "UBND Huyện Thủy Nguyên")
    data = pki.sign_field(services.current_pdf(version), cast.unit_b, cert, key, province=cast.province)
    _refused(cast, version, data, "không do tổ chức")


def test_another_units_valid_certificate_in_this_units_field_is_refused(setup):
    cast, version = setup
    uc_head = services.unit_certificate(cast.head, year=cast.year.year, person_name="Chủ tịch Cát Hải")
    data = pki.sign_field(
        services.current_pdf(version),
        cast.unit_b,
        crypto.load_cert(uc_head.certificate_pem),
        crypto.decrypt_key(uc_head.key_encrypted),
        province=cast.province,
    )
    report = _refused(cast, version, data, "không phải chứng thư số đã đăng ký")
    assert report.signatures[-1].why and not report.signatures[-1].trusted


def test_revoked_certificate_is_refused(setup):
    """Revoked (the province CRL says so) before the signature's timestamp."""
    cast, version = setup
    uc_b = services.unit_certificate(cast.unit_b, year=cast.year.year, person_name=cast.unit_b.leader_name)
    services.certificate_revoke(certificate=uc_b, actor=cast.admin, reason="key_compromise")
    uc_b.refresh_from_db()
    data = pki.sign_field(
        services.current_pdf(version),
        cast.unit_b,
        crypto.load_cert(uc_b.certificate_pem),
        crypto.decrypt_key(uc_b.key_encrypted),
        province=cast.province,
    )
    report = _refused(cast, version, data, "thu hồi")
    assert report.signatures[-1].timestamp > uc_b.revoked_at


def test_certificate_expired_at_signing_is_refused(setup):
    cast, version = setup
    ca = services.ensure_tsa(cast.province.signing_ca)
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    cert, key = pki.issued_by(
        crypto.load_cert(ca.certificate_pem),
        crypto.decrypt_key(ca.key_encrypted),
        cast.unit_b,
        not_before=past,
        not_after=past + datetime.timedelta(days=30),
    )
    data = pki.sign_field(services.current_pdf(version), cast.unit_b, cert, key, province=cast.province)
    _refused(cast, version, data, "không còn hiệu lực")


def _tamper(data, at):
    pos = data.index(b"stream\n", at) + 40
    return data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :]


def test_a_flipped_byte_is_detected(setup):
    cast, version = setup
    report = check_file(version, _tamper(services.current_pdf(version), version.base_length + 10))
    assert report.verdict == BROKEN and not report.signatures[0].counts


def test_an_overlay_in_an_incremental_update_is_detected(setup):
    cast, version = setup
    writer = IncrementalPdfFileWriter(io.BytesIO(services.current_pdf(version)))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    overlay = generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 400 Td (DA HUY) Tj ET")
    contents = page["/Contents"]
    kids = list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]
    page["/Contents"] = generic.ArrayObject([*kids, writer.add_object(overlay)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = check_file(version, out.getvalue())
    assert report.verdict == BROKEN and not report.signatures[0].counts
    assert "thay đổi" in report.signatures[0].why


def test_appended_bytes_are_detected(setup):
    cast, version = setup
    report = check_file(version, services.current_pdf(version) + b"\n% them vao sau khi ky\n")
    assert report.verdict == BROKEN and "thay đổi sau" in report.signatures[0].why


def test_a_truncated_copy_is_an_earlier_version_k_of_n(setup):
    cast, version = setup
    after_one = services.current_pdf(version)
    sign_in_process(version, cast.leader_b)
    sign_in_process(version, cast.leader_head)
    final = services.current_pdf(version)
    assert final.startswith(after_one)
    assert check_file(version, final).verdict == INTACT
    report = check_file(version, after_one)
    assert report.verdict == EARLIER and not report.intact
    assert "Bản ở thời điểm 1/3 đơn vị đã ký" in report.message


def test_a_truncated_copy_re_signed_in_the_last_box_with_a_self_signed_certificate_is_not_intact(setup):
    cast, version = setup
    truncated = services.current_pdf(version)
    sign_in_process(version, cast.leader_b)
    cert, key = pki.self_signed("UBND Huyện Thủy Nguyên", "UBND Huyện Thủy Nguyên")
    forged = pki.sign_field(truncated, cast.unit_b, cert, key, province=cast.province)
    forged = pki.sign_field(
        forged, cast.head, *pki.self_signed("UBND Huyện Cát Hải", "x"), province=cast.province
    )
    report = check_file(version, forged)
    assert report.verdict == BROKEN and report.signed == 1


def test_an_imported_external_root_counts_once_the_admin_confirms_the_certificate(setup):
    cast, version = setup
    gov_cert, gov_key = _ca("Ban Cơ yếu Chính phủ - CA")
    token_cert, token_key = pki.issued_by(gov_cert, gov_key, cast.unit_b, person=cast.unit_b.leader_name)
    data = pki.sign_field(
        services.current_pdf(version),
        cast.unit_b,
        token_cert,
        token_key,
        province=cast.province,
        chain=[gov_cert],
    )
    # 1. the root is not trusted yet
    check = upload_in_process(version, cast.unit_b, data, cast.leader_b)
    assert check.state == CheckState.FAILED and "không do tổ chức" in check.message
    # 2. the root is imported, but the token's certificate is not the unit's registered one yet
    services.trust_root_import(
        province=cast.province, name="CA Chính phủ", data=crypto.cert_pem(gov_cert).encode(), actor=cast.admin
    )
    uc = services.external_certificate_register(
        unit=cast.unit_b, year=cast.year.year, data=crypto.cert_pem(token_cert).encode(), actor=cast.leader_b
    )
    check = upload_in_process(version, cast.unit_b, data, cast.leader_b)
    assert check.state == CheckState.FAILED and "không phải chứng thư số đã đăng ký" in check.message
    # 3. the province admin confirms it: accepted and trusted
    services.external_certificate_confirm(certificate=uc, actor=cast.admin)
    check = upload_in_process(version, cast.unit_b, data, cast.leader_b)
    assert check.state == CheckState.DONE, check.message
    sig = version.signatures.get(unit=cast.unit_b, state=SignatureState.DONE)
    assert sig.external and sig.signer_name == cast.unit_b.leader_name
    report = check_file(version, services.current_pdf(version))
    assert report.verdict == EARLIER and all(s.trusted for s in report.signatures)


def test_a_forged_last_signature_cannot_complete_the_pledge(setup):
    cast, version = setup
    sign_in_process(version, cast.leader_head)
    cert, key = pki.self_signed("Ai Đó Không Liên Quan", "Không rõ")
    data = pki.sign_field(services.current_pdf(version), cast.unit_b, cert, key, province=cast.province)
    _refused(cast, version, data, "không do tổ chức")
    version.pledge.refresh_from_db()
    assert version.pledge.official_document_id is None


def _namesake(cast):
    """Another province of the same name (names are not unique) with its own CA: the two CAs'
    names are the same ("CA <province>") and no certificate of a unit carries a key identifier."""
    cast.other_province.name = cast.province.name
    cast.other_province.save(update_fields=["name"])
    other = services.authority_create(province=cast.other_province)
    mine = cast.province.signing_ca
    assert crypto.load_cert(other.certificate_pem).subject == crypto.load_cert(mine.certificate_pem).subject
    return crypto.load_cert(other.certificate_pem), crypto.decrypt_key(other.key_encrypted)


def test_a_certificate_of_a_namesake_provinces_ca_is_refused_even_when_registered(setup):
    """Trust is by the CA's key, not its name: the namesake's certificate for leader B, carrying
    the namesake CA in its chain, registered and confirmed (the admin sees the issuer named like
    their own CA), is still not trusted."""
    cast, version = setup
    other_cert, other_key = _namesake(cast)
    cert, key = pki.issued_by(other_cert, other_key, cast.unit_b, person=cast.unit_b.leader_name)
    assert cert.issuer == crypto.load_cert(cast.province.signing_ca.certificate_pem).subject
    uc = services.external_certificate_register(
        unit=cast.unit_b, year=cast.year.year, data=crypto.cert_pem(cert).encode(), actor=cast.leader_b
    )
    services.external_certificate_confirm(certificate=uc, actor=cast.admin)
    data = pki.sign_field(
        services.current_pdf(version), cast.unit_b, cert, key, province=cast.province, chain=[other_cert]
    )
    report = _refused(cast, version, data, "không do tổ chức")
    assert not report.signatures[-1].trusted


def test_a_revoked_certificate_stays_refused_beside_a_namesake_root(setup):
    """The province imported its namesake's CA (a merger): a certificate its own CA revoked is
    still refused (the CRL is matched to the CA that signed it, not to a name)."""
    cast, version = setup
    other_cert, _key = _namesake(cast)
    services.trust_root_import(
        province=cast.province, name="CA cũ", data=crypto.cert_pem(other_cert).encode(), actor=cast.admin
    )
    uc_b = services.unit_certificate(cast.unit_b, year=cast.year.year, person_name=cast.unit_b.leader_name)
    services.certificate_revoke(certificate=uc_b, actor=cast.admin, reason="key_compromise")
    uc_b.refresh_from_db()
    data = pki.sign_field(
        services.current_pdf(version),
        cast.unit_b,
        crypto.load_cert(uc_b.certificate_pem),
        crypto.decrypt_key(uc_b.key_encrypted),
        province=cast.province,
    )
    _refused(cast, version, data, "thu hồi")


def test_a_self_signed_ca_named_like_the_province_ca_is_refused(setup):
    """A CA anyone can make with the province CA's exact name, its certificate in the chain."""
    cast, version = setup
    fake_cert, fake_key = crypto.make_ca(cast.province.name)
    cert, key = pki.issued_by(fake_cert, fake_key, cast.unit_b, person=cast.unit_b.leader_name)
    data = pki.sign_field(
        services.current_pdf(version), cast.unit_b, cert, key, province=cast.province, chain=[fake_cert]
    )
    _refused(cast, version, data, "không do tổ chức")


def test_a_revoked_certificate_with_a_backdated_token_of_a_namesake_tsa_is_refused(setup, monkeypatch):
    """The signer is judged at the token's time: a token from the namesake province's TSA (named
    like this province's TSA, no key identifiers) dated before the revocation must not make a
    revoked certificate count; the token is not trusted, so neither is the signature."""
    import types

    from emulation.pledges import pades

    cast, version = setup
    _namesake(cast)
    uc_b = services.unit_certificate(cast.unit_b, year=cast.year.year, person_name=cast.unit_b.leader_name)
    services.certificate_revoke(certificate=uc_b, actor=cast.admin, reason="key_compromise")
    uc_b.refresh_from_db()
    before = uc_b.revoked_at - datetime.timedelta(hours=1)

    class Backdated(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return before

    monkeypatch.setattr(pades, "datetime", types.SimpleNamespace(datetime=Backdated, UTC=datetime.UTC))
    data = pki.sign_field(
        services.current_pdf(version),
        cast.unit_b,
        crypto.load_cert(uc_b.certificate_pem),
        crypto.decrypt_key(uc_b.key_encrypted),
        province=cast.other_province,  # its TSA stamps
    )
    monkeypatch.undo()
    report = _refused(cast, version, data, "")
    assert not report.signatures[-1].trusted and not report.signatures[-1].timestamp
