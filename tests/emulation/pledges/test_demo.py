import pytest

from clusters import demo as clusters_demo
from emulation.pledges import demo
from emulation.pledges.models import Pledge, Registration

pytestmark = pytest.mark.django_db


def test_demo_loads_the_hai_phong_2024_draft_and_is_idempotent():
    clusters_demo.load()
    demo.load()
    demo.load()
    pledge = Pledge.objects.get(cluster_year__cluster__province__code="hai-phong", cluster_year__year=2024)
    version = pledge.versions.get()
    assert version.title == "Giao ước thi đua năm 2024" and len(version.articles) == 5
    assert Registration.objects.filter(cluster_year=pledge.cluster_year).count() == 2
