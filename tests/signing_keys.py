"""RSA keys for the tests: made once per test session, handed out again in every test.

A 3072-bit province CA key costs 0.5-2.5 s and a 2048-bit unit key 0.2-0.6 s on the 2-core
machine, and the signing tests made 44 of them (38 s under load). The pool keeps the keys real
and keeps each test honest: within one test every call gets a different key (a foreign CA never
shares the province CA's key, two units never share one); the n-th key of one size is the same
in every test. The keys reach the database only through the app's own code (encrypted as usual),
so flushing the database between transactional tests and reading the keys back in the Celery
worker process work as before. The worker is another process: keys it makes itself (a unit
certificate issued on first signature there) are still new ones."""

import threading

from cryptography.hazmat.primitives.asymmetric import rsa

_generate = rsa.generate_private_key


class KeyPool:
    def __init__(self, generate=_generate):
        self._generate = generate
        self._keys = {}  # (public_exponent, key_size) -> keys made so far, in order
        self._taken = {}  # (public_exponent, key_size) -> keys handed out in this test
        self._lock = threading.Lock()  # the live server answers from another thread

    def rewind(self):
        """A new test: hand out the same keys again, from the first."""
        with self._lock:
            self._taken = {}

    def take(self, public_exponent, key_size, backend=None):
        """Stands in for rsa.generate_private_key: the next key of that size not used in this test."""
        kind = (public_exponent, key_size)
        with self._lock:
            keys = self._keys.setdefault(kind, [])
            index = self._taken.get(kind, 0)
            if index == len(keys):
                keys.append(self._generate(public_exponent=public_exponent, key_size=key_size))
            self._taken[kind] = index + 1
            return keys[index]

    @property
    def made(self):
        return sum(len(keys) for keys in self._keys.values())


POOL = KeyPool()
