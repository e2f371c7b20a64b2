"""Finding 8: only the roles that produce a document may ask for a new render. Readers of the
year (unit staff, leaders, council members) download what was rendered; they cannot keep a worker
busy or replace the file everyone reads. Every "make the PDF" door is tried, and the service."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusters.documents import KIND as MEMBER_LIST
from documents.models import Document
from documents.services import document_request

pytestmark = pytest.mark.django_db

DOORS = [
    ("clusters:member_list_pdf", ()),
    ("scoring:ranking_pdf", ()),
    ("yearend:summary_pdf", ()),
    ("pledges:pdf", ()),
    ("awards:dossier_document", ("minutes",)),
    ("awards:dossier_document", ("cover",)),
]


@pytest.mark.parametrize(("name", "extra"), DOORS)
@pytest.mark.parametrize("who", ["staff_a", "leader_b", "council"])
def test_readers_cannot_ask_for_a_render(client, cast, name, extra, who):
    client.force_login(getattr(cast, who))
    response = client.post(reverse(name, args=[cast.year.pk, *extra]))
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "admin"])
def test_producers_ask_for_the_member_list(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    assert response.status_code == 302
    assert Document.objects.get().requested_by == getattr(cast, who)


def test_another_provinces_admin_cannot_ask_either(client, cast):
    client.force_login(cast.other)
    assert client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        _ask(cast, cast.other)
    assert not Document.objects.exists()


def _ask(cast, actor):
    return document_request(
        key=f"member-list-{cast.year.pk}",
        kind=MEMBER_LIST,
        province_id=cast.province.pk,
        title="Danh sách",
        actor=actor,
        params={"cluster_year_id": cast.year.pk},
    )


def test_the_service_refuses_a_reader_who_can_read_the_document(cast):
    from documents import registry

    asked = Document(kind=MEMBER_LIST, province_id=cast.province.pk, params={"cluster_year_id": cast.year.pk})
    assert registry.get(MEMBER_LIST).can_view(cast.staff_a, asked)
    with pytest.raises(PermissionDenied):
        _ask(cast, cast.staff_a)
    assert _ask(cast, cast.secretary).requested_by == cast.secretary


def test_the_buttons_are_shown_only_to_producers(client, cast):
    url = reverse("clusters:year_detail", args=[cast.year.pk])
    button = reverse("clusters:member_list_pdf", args=[cast.year.pk])
    client.force_login(cast.staff_a)
    assert button not in client.get(url).content.decode()
    client.force_login(cast.secretary)
    assert button in client.get(url).content.decode()
