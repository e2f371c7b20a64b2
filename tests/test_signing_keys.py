"""The session's key pool: distinct keys within a test, the same keys again in the next one,
and every key the pledge code asks for comes from it."""

from cryptography.hazmat.primitives.asymmetric import rsa

from emulation.pledges import crypto
from tests.signing_keys import KeyPool


def _counting_pool():
    made = []

    def generate(public_exponent, key_size):
        made.append((public_exponent, key_size))
        return object()

    return KeyPool(generate), made


def test_keys_differ_within_a_test_and_come_back_after_rewind():
    pool, made = _counting_pool()
    first = [pool.take(65537, 2048) for _ in range(3)]
    ca = pool.take(65537, 3072)
    assert len({id(k) for k in first}) == 3 and ca not in first
    pool.rewind()
    assert [pool.take(65537, 2048) for _ in range(3)] == first
    assert pool.take(65537, 3072) is ca
    assert pool.take(65537, 2048) not in first  # a fourth key only when a test needs four
    assert made == [(65537, 2048)] * 3 + [(65537, 3072), (65537, 2048)]


def test_the_pledge_ca_and_unit_keys_come_from_the_session_pool(session_signing_keys):
    assert rsa.generate_private_key == session_signing_keys.take
    ca_cert, ca_key = crypto.make_ca("Tỉnh Thử")
    _cert, unit_key = crypto.issue_unit_certificate(ca_cert, ca_key, "Huyện Thử", "Tỉnh Thử")
    session_signing_keys.rewind()
    assert crypto.make_ca("Tỉnh Khác")[1] is ca_key
    assert crypto.issue_unit_certificate(ca_cert, ca_key, "Huyện Khác", "Tỉnh Thử")[1] is unit_key
