"""The outgoing register (sổ đăng ký văn bản đi): numbers per issuer, year and kind symbol, taken
once per document, never shared even when taken at the same moment, kept by re-renders."""

import datetime
import threading

import pytest
from django.db import connection

from clusters.issuers import cluster_issuer
from clusters.models import ClusterKind
from documents import register
from documents.models import RegisterEntry
from tests.factories import ClusterFactory, ProvinceFactory

D = datetime.date


def _take(issuer, symbol, subject, on):
    return register.take(issuer=issuer, symbol=symbol, subject=subject, title=subject, on=on)


@pytest.mark.django_db
def test_numbers_run_per_issuer_year_and_kind_and_a_subject_keeps_its_number():
    province = ProvinceFactory(name="Thành phố Hải Phòng", place_name="Hải Phòng")
    cluster = cluster_issuer(ClusterFactory(province=province, name="Cụm thi đua Khối huyện"))
    block = cluster_issuer(ClusterFactory(province=province, name="Khối các sở", kind=ClusterKind.FUNCTIONAL))
    taken = [
        _take(cluster, "TTr", "cover-2023", D(2024, 2, 28)),
        _take(cluster, "BC", "report-2023", D(2024, 3, 5)),
        _take(cluster, "TTr", "cover-extra", D(2024, 4, 1)),
        _take(cluster, "TTr", "cover-2024", D(2025, 1, 20)),
        _take(cluster, "BC", "report-2024", D(2025, 2, 10)),
        _take(block, "TTr", "block-cover-2023", D(2024, 3, 1)),
    ]
    assert [e.number for e in taken] == [
        "01/TTr-CTĐ",
        "01/BC-CTĐ",
        "02/TTr-CTĐ",
        "01/TTr-CTĐ",  # a new year starts again at 1
        "01/BC-CTĐ",
        "01/TTr-KTĐ",  # a block numbers on its own, with its own symbol
    ]
    assert [(e.year, e.issued_on) for e in taken[:2]] == [(2024, D(2024, 2, 28)), (2024, D(2024, 3, 5))]
    # the same document issued again (a re-render) keeps its number and its date
    again = _take(cluster, "TTr", "cover-2023", D(2026, 12, 1))
    assert (again.pk, again.number, again.issued_on) == (taken[0].pk, "01/TTr-CTĐ", D(2024, 2, 28))
    assert RegisterEntry.objects.count() == 6
    assert _take(cluster, "TTr", "cover-later", D(2024, 12, 30)).number == "03/TTr-CTĐ"


def test_a_document_to_number_by_hand_keeps_visible_room():
    line = register.number_line(symbol="BB", issuer_symbol="CTĐ")
    assert line.startswith("Số:") and line.endswith("/BB-CTĐ")
    room = line[len("Số:") : -len("/BB-CTĐ")]
    assert len(room) >= 8 and set(room) == {"\u00a0"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_numbers_taken_at_the_same_moment_are_all_different():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    province = ProvinceFactory()
    issuer = cluster_issuer(ClusterFactory(province=province))
    barrier = threading.Barrier(6)
    numbers, errors = [], []

    def worker(n):
        from django.db import connection as conn

        try:
            barrier.wait()
            numbers.append(_take(issuer, "TTr", f"doc-{n}", D(2024, 5, 5)).seq)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
