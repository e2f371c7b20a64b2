"""One signer identity (issue 11, item 5): the printed name under the block, the stamp and the
certificate's subject come from the version's signer record, fixed at finalisation: the unit's
leader of record and the unit's name in force in the pledge's year (not today's name, not the
name of the account that clicked "sign")."""

import datetime

import pytest

from clusters.models import Unit, UnitKind, UnitVersion
from emulation.pledges import crypto, services
from emulation.pledges.models import SignatureState, UnitCertificate
from tests import pdfcheck
from tests.emulation.pledges import pki
from tests.emulation.pledges.helpers import finalised, render_in_process, sign_in_process

pytestmark = [pytest.mark.poppler, pytest.mark.django_db]

OLD, NEW = "Huyện Vĩnh Bảo", "Thành phố Vĩnh Bảo"


@pytest.fixture
def renamed(cast):
    """Vĩnh Bảo was a district in the pledge's year and became a city the year after."""
    unit = cast.unit_a
    UnitVersion.objects.create(
        unit=unit,
        name=OLD,
        short_name="Vĩnh Bảo",
        kind=UnitKind.DISTRICT,
        valid_until=datetime.date(cast.year.year + 1, 1, 1),
    )
    Unit.objects.filter(pk=unit.pk).update(name=NEW, kind=UnitKind.PROVINCIAL_CITY)
    unit.refresh_from_db()
    assert cast.leader_a.full_name != unit.leader_name  # the account's name is not the record
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    version.refresh_from_db()
    render_in_process(version)
    return cast, version


def test_printed_name_stamp_and_certificate_name_the_same_person_and_the_years_unit_name(renamed):
    cast, version = renamed
    person = cast.unit_a.leader_name
    assert version.signatories[str(cast.unit_a.pk)] == {"person": person, "unit": OLD}
    sig = sign_in_process(version, cast.leader_a)
    assert sig.state == SignatureState.DONE, sig.message
    assert sig.signer_name == person
    uc = UnitCertificate.objects.get(unit=cast.unit_a, active=True)
    cert = crypto.load_cert(uc.certificate_pem)
    assert crypto.common_name(cert) == uc.person_name == person
    assert f"O=UBND {OLD}" in crypto.subject_text(cert)
    text = " ".join(
        pdfcheck.text(pdfcheck.save(services.current_pdf(version), "pledge-identity-renamed.pdf")).split()
    )
    # the stamp (its appearance stream) and the block printed by the render
    assert f"Đã ký số bởi: {person}" in text and f"Đơn vị: UBND {OLD}" in text
    assert text.count(person) >= 2, text  # printed under the block, and in the stamp
    assert "Vĩnh Bảo".upper() in text.upper() and NEW.casefold() not in text.casefold()
    assert cast.leader_a.full_name not in text


def test_a_later_rename_does_not_change_the_record_of_a_finalised_version(renamed):
    cast, version = renamed
    Unit.objects.filter(pk=cast.unit_a.pk).update(name="Thành phố Vĩnh Bảo mới", leader_name="Người Khác")
    cast.unit_a.refresh_from_db()
    assert version.signatory(cast.unit_a) == (version.signatories[str(cast.unit_a.pk)]["person"], OLD)


def test_an_imported_certificate_naming_another_person_signs_nothing(renamed):
    """A PKCS#12 under a trusted root, for the right unit, but naming someone other than the
    pledge's signer for the unit: the stamp and the certificate would disagree, so no signature."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12

    cast, version = renamed
    ca_cert, ca_key = crypto.make_ca("Ban Cơ yếu Chính phủ")
    services.trust_root_import(
        province=cast.province, name="CA Chính phủ", data=crypto.cert_pem(ca_cert).encode(), actor=cast.admin
    )
    cert, key = pki.issued_by(ca_cert, ca_key, cast.unit_a, person="Trần Thị Khác")
    p12 = pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca_cert], NoEncryption())
    services.unit_certificate_import(
        unit=cast.unit_a, year=cast.year.year, data=p12, password="", actor=cast.leader_a
    )
    sig = sign_in_process(version, cast.leader_a)
    assert sig.state == SignatureState.FAILED
    assert "Trần Thị Khác" in sig.message and cast.unit_a.leader_name in sig.message
    assert version.signatures.filter(state=SignatureState.DONE).count() == 0
    # the same person written in capitals by the CA is the same person
    cert, key = pki.issued_by(ca_cert, ca_key, cast.unit_a, person=cast.unit_a.leader_name.upper())
    p12 = pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca_cert], NoEncryption())
    services.unit_certificate_import(
        unit=cast.unit_a, year=cast.year.year, data=p12, password="", actor=cast.leader_a
    )
    sig = sign_in_process(version, cast.leader_a)
    assert sig.state == SignatureState.DONE, sig.message


def test_a_name_with_a_letter_outside_the_pledges_stamp_font_is_still_stamped(renamed):
    """The signing copy's stamp font holds only the letters of this pledge's signer records; a
    name that reaches the stamp with another letter is drawn with its own embedded font."""
    cast, version = renamed
    version.signatories[str(cast.unit_a.pk)]["person"] = "Zoë Ứng"
    version.save(update_fields=["signatories"])
    Unit.objects.filter(pk=cast.unit_a.pk).update(leader_name="Zoë Ứng")  # the record is the unit's
    cast.leader_a.unit.refresh_from_db()
    sig = sign_in_process(version, cast.leader_a)
    assert sig.state == SignatureState.DONE, sig.message
    text = " ".join(
        pdfcheck.text(pdfcheck.save(services.current_pdf(version), "pledge-stamp-own-font.pdf")).split()
    )
    assert "Đã ký số bởi: Zoë Ứng" in text


def test_a_leader_replaced_after_finalisation_does_not_sign_under_the_old_leaders_name(renamed):
    """The record names the leader of the pledge's finalisation; after the unit's leader is
    replaced, the new leader's signature would carry the old leader's printed name, stamp and
    certificate: refused, in Vietnamese, at the request and in the task."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    cast, version = renamed
    recorded = version.signatories[str(cast.unit_a.pk)]["person"]
    Unit.objects.filter(pk=cast.unit_a.pk).update(leader_name="Lê Văn Mới")
    cast.leader_a.unit.refresh_from_db()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.signature_request(version=version, user=cast.leader_a)
    message = refused.value.messages[0]
    assert recorded in message and "Lê Văn Mới" in message and "quản trị" in message, message
    assert not version.signatures.exists()
    assert not UnitCertificate.objects.filter(unit=cast.unit_a, person_name=recorded).exists()
    # a request made before the change fails in the task, with the same message
    Unit.objects.filter(pk=cast.unit_a.pk).update(leader_name=recorded.upper())  # same person
    cast.leader_a.unit.refresh_from_db()
    sig = services.signature_request(version=version, user=cast.leader_a)
    Unit.objects.filter(pk=cast.unit_a.pk).update(leader_name="Lê Văn Mới")
    sig = services.signature_apply(sig.pk)
    assert sig.state == SignatureState.FAILED and "Lê Văn Mới" in sig.message, sig.message
    assert not UnitCertificate.objects.filter(unit=cast.unit_a, person_name=recorded).exists()


def test_a_leader_removed_after_finalisation_leaves_nobody_to_sign_under_the_old_name(renamed):
    """The leader left and the administrator cleared the unit's leader's name: whoever holds the
    unit's leader account is not issued a certificate in the old leader's name (request, task)."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    cast, version = renamed
    recorded = version.signatories[str(cast.unit_a.pk)]["person"]
    sig = services.signature_request(version=version, user=cast.leader_a)  # asked before the change
    Unit.objects.filter(pk=cast.unit_a.pk).update(leader_name="")
    with translation.override("vi"):
        sig = services.signature_apply(sig.pk)
    assert sig.state == SignatureState.FAILED and recorded in sig.message, sig.message
    cast.leader_a.unit.refresh_from_db()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.signature_request(version=version, user=cast.leader_a)
    assert recorded in refused.value.messages[0] and "quản trị" in refused.value.messages[0]
    assert not version.signatures.exclude(state=SignatureState.FAILED).exists()
    assert not UnitCertificate.objects.filter(unit=cast.unit_a, person_name=recorded).exists()
