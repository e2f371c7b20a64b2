"""The main menu (base.html): the province admin's links (units, accounts, all clusters) show for
the province admin only, read from the roles the request loads once — no permission tables are
read to draw the menu, on any page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_LINKS = (reverse("clusters:unit_list"), reverse("clusters:user_list"), reverse("yearend:province"))


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", True),
        ("other", True),
        ("secretary", False),
        ("staff_a", False),
        ("leader_a", False),
        ("council", False),
    ],
)
def test_the_province_admins_links_show_for_the_province_admin_only(client, cast, who, sees):
    client.force_login(getattr(cast, who))
    for url in (reverse("home"), reverse("clusters:cluster_list")):
        client.get(url)  # the session is warm
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        assert all((f'href="{link}"' in page) == sees for link in ADMIN_LINKS), (who, url)
        menu_tables = [
            q["sql"]
            for q in ctx.captured_queries
            if "auth_permission" in q["sql"] or "auth_group" in q["sql"]
        ]
        assert menu_tables == [], menu_tables
        roles = [q["sql"] for q in ctx.captured_queries if "clusters_userrole" in q["sql"]]
        assert len(roles) == 1  # the person's roles, read once for the whole page
