import pytest
from django.core.management import CommandError, call_command

from emulation.pledges import crypto
from emulation.pledges.models import ProvinceAuthority

pytestmark = pytest.mark.django_db


def test_command_creates_the_province_ca_with_its_key_encrypted(cast, capsys):
    call_command("create_signing_ca", cast.province.code)
    ca = ProvinceAuthority.objects.get(province=cast.province)
    cert = crypto.load_cert(ca.certificate_pem)
    assert "CN=CA Thành phố Hải Phòng" in cert.subject.rfc4514_string()
    assert b"PRIVATE KEY" not in bytes(ca.key_encrypted)
    assert (
        crypto.decrypt_key(ca.key_encrypted).public_key().public_numbers()
        == cert.public_key().public_numbers()
    )
    assert "SHA-256" in capsys.readouterr().out
    with pytest.raises(CommandError, match="đã có"):
        call_command("create_signing_ca", cast.province.code)
    with pytest.raises(CommandError):
        call_command("create_signing_ca", "khong-co-tinh")
