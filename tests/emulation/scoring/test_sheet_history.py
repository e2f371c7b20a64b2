"""The history of each row and of the sheet on the score entry page, built in Python
(clusters.history.history_html, emulation.scoring.rowhtml.history_details): the markup of the
templates it replaced, escaped, translated, only this sheet's events, constant queries."""

import re

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from clusters.audit import history_for
from clusters.history import trail
from clusters.models import AuditEvent
from emulation.scoring import services
from emulation.scoring.models import Criterion, CriterionKind, ScoreEntry
from emulation.scoring.rowhtml import history_details

from .conftest import sheet

# clusters/_history.html and scoring/_history.html as they were before the history was built in Python
OLD_TEMPLATE = """{% load i18n readable %}{% if events %}<details class="small">
  <summary>{% blocktrans count n=events|length %}History ({{ n }} change){% plural %}\
History ({{ n }} changes){% endblocktrans %}</summary>
  <ul class="small list-unstyled history">{% for e in events %}
  <li class="border-top pt-1">{{ e.at|date:"SHORT_DATETIME_FORMAT" }} · {{ e.actor|default:"—" }} · \
<strong class="fw-semibold">{{ e|event_label }}</strong>
    {% for line in e|event_details %}<br>{{ line }}{% endfor %}
    {% if e.reason %}<br><em>{% trans "Reason" %}: {{ e.reason }}</em>{% endif %}</li>
{% empty %}<li>{% trans "No change recorded." %}</li>{% endfor %}</ul>
</details>{% endif %}"""


def squeeze(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def sheet_url(sc, unit):
    return reverse("scoring:sheet", args=[sc.year.pk, unit.pk])


def test_row_history_has_the_markup_of_the_templates_it_replaced(sc):
    s = sheet(sc, sc.unit_a)
    entry = services.self_score_save(
        sheet=s, criterion=sc.criteria.c11, value="5", note="a < b", actor=sc.staff_a
    )
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="6", note='"x" & y', actor=sc.staff_a)
    services.review_adjust(
        sheet=s, criterion=sc.criteria.c11, value="4", reason="<b>Thiếu</b>", actor=sc.secretary
    )
    events = list(history_for(entry))  # model instances, as the templates were given
    assert len(events) == 3
    for language in ("vi", "en"):
        with translation.override(language):
            old = Template(OLD_TEMPLATE).render(Context({"events": events}))
            assert squeeze(history_details(trail(history_for(entry)))) == squeeze(old)
            assert squeeze(history_details(events)) == squeeze(old)
    assert history_details([]) == ""


def test_history_on_the_page_is_escaped_and_translated(client, sc):
    sc.staff_a.full_name = "Cán bộ <i>A</i>"
    sc.staff_a.save()
    s = sheet(sc, sc.unit_a)
    services.self_score_save(
        sheet=s, criterion=sc.criteria.c11, value="5", note="<script>alert(1)</script>", actor=sc.staff_a
    )
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="6", note="ok", actor=sc.staff_a)
    for c, v in [
        (sc.criteria.c12, "40"),
        (sc.criteria.c21, "có"),
        (sc.criteria.c22, "200"),
        (sc.criteria.c31, "0"),
    ]:
        services.self_score_save(sheet=s, criterion=c, value=v, actor=sc.staff_a)
    services.sheet_submit(sheet=s, actor=sc.staff_a)
    services.sheet_reopen(sheet=s, actor=sc.secretary, reason='Thiếu minh chứng <img src=x onerror="y">')
    client.force_login(sc.staff_a)
    html = client.get(sheet_url(sc, sc.unit_a)).content.decode()
    row = html[html.index(f'id="row-{sc.criteria.c11.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Lịch sử (2 thay đổi)" in row and "Lưu điểm tự chấm" in row
    assert "ghi chú: &lt;script&gt;alert(1)&lt;/script&gt; → ok" in row
    assert "Cán bộ &lt;i&gt;A&lt;/i&gt;" in row
    assert "<script>alert" not in html and "<i>A</i>" not in html
    # the sheet's own history, read in the same query as the rows'
    own = html[html.index("Lịch sử của phiếu chấm") :]
    assert "Nộp bảng điểm" in own and "Trả lại bảng điểm để sửa" in own
    assert "Lý do: Thiếu minh chứng &lt;img src=x onerror=&quot;y&quot;&gt;" in own
    assert '<img src=x onerror="y">' not in html


def test_another_units_draft_and_its_history_stay_hidden(client, sc):
    mine = sheet(sc, sc.unit_a)
    theirs = sheet(sc, sc.unit_b)
    services.self_score_save(
        sheet=mine, criterion=sc.criteria.c11, value="5", note="ghi chú A", actor=sc.staff_a
    )
    services.self_score_save(
        sheet=theirs, criterion=sc.criteria.c11, value="7", note="bí mật B", actor=sc.staff_b
    )
    client.force_login(sc.staff_a)
    html = client.get(sheet_url(sc, sc.unit_a)).content.decode()
    assert "ghi chú A" in html and "bí mật B" not in html
    assert client.get(sheet_url(sc, sc.unit_b)).status_code == 403
    client.force_login(sc.other)  # another province
    assert client.get(sheet_url(sc, sc.unit_a)).status_code == 404


def _grow(sc, s, rows, saves):
    """`rows` more scored rows under criterion 2, each saved `saves` times (one event per save)."""
    for i in range(rows):
        c = Criterion.objects.create(
            table=sc.criteria.m1.table,
            parent=sc.criteria.m2,
            major=sc.criteria.m2,
            code=f"2.{i + 3}",
            text=f"Thêm {i}",
            max_points=10,
            kind=CriterionKind.FIXED,
            position=100 + i,
        )
        for k in range(saves):
            services.self_score_save(sheet=s, criterion=c, value=str(k + 1), actor=sc.staff_a)


def _page_queries(client, sc, django_assert_num_queries, rows, saves):
    s = sheet(sc, sc.unit_a)
    _grow(sc, s, rows, saves)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="1", actor=sc.staff_a)
    client.force_login(sc.staff_a)
    url = sheet_url(sc, sc.unit_a)
    client.get(url)
    with django_assert_num_queries(14):
        html = client.get(url).content.decode()
    return html


def test_query_count_with_few_rows_and_events(client, sc, django_assert_num_queries):
    html = _page_queries(client, sc, django_assert_num_queries, rows=0, saves=1)
    assert html.count("<details") == 1


def test_query_count_with_50_rows_and_150_events(client, sc, django_assert_num_queries):
    html = _page_queries(client, sc, django_assert_num_queries, rows=45, saves=3)
    assert ScoreEntry.objects.filter(sheet__unit=sc.unit_a).count() == 46
    assert AuditEvent.objects.filter(object_type="scoring.scoreentry").count() >= 136
    assert html.count("Lịch sử (3 thay đổi)") == 45


def test_times_are_the_date_filters_and_a_minute_is_formatted_once(sc):
    from datetime import UTC, datetime

    from clusters.history import Line, TrailWriter

    def line(*hms):
        return Line(datetime(2026, 3, 1, *hms, tzinfo=UTC), "score.self_saved", {}, "", "A", "", "")

    events = [line(3, 5, 1), line(3, 5, 59), line(3, 6, 0)]
    for language in ("vi", "en"):
        with translation.override(language):
            writer = TrailWriter()
            got = [writer.when(e.at) for e in events]
            filtered = [
                Template('{{ at|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"at": e.at}))
                for e in events
            ]
            assert got == filtered and got[0] == got[1] != got[2]
            assert len(writer.times) == 2


def test_each_row_lists_its_own_evidence_only(client, sc):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mine, theirs = sheet(sc, sc.unit_a), sheet(sc, sc.unit_b)
    for s, c, actor, name in [
        (mine, sc.criteria.c11, sc.staff_a, "a-11.pdf"),
        (mine, sc.criteria.c12, sc.staff_a, "a-12.pdf"),
        (mine, sc.criteria.c12, sc.staff_a, "a-12-bis.pdf"),
        (theirs, sc.criteria.c11, sc.staff_b, "b-11.pdf"),
    ]:
        services.self_score_save(sheet=s, criterion=c, value="1", actor=actor)
        services.evidence_add(
            sheet=s, criterion=c, actor=actor, upload=SimpleUploadedFile(name, b"%PDF-1.4", "application/pdf")
        )
    client.force_login(sc.staff_a)
    html = client.get(sheet_url(sc, sc.unit_a)).content.decode()

    def row(c):
        part = html[html.index(f'id="row-{c.pk}"') :]
        return part[: part.index("</tr>")]

    assert "a-11.pdf" in row(sc.criteria.c11) and "a-12" not in row(sc.criteria.c11)
    assert row(sc.criteria.c12).index("a-12.pdf") < row(sc.criteria.c12).index("a-12-bis.pdf")
    assert "a-11" not in row(sc.criteria.c12) and "b-11.pdf" not in html


def test_a_year_without_criteria_says_so(client, db):
    from clusters.models import ClusterYear, Stage
    from tests.factories import make_cast

    cast = make_cast()
    ClusterYear.objects.filter(pk=cast.year.pk).update(stage=Stage.SCORING)
    client.force_login(cast.staff_a)
    html = client.get(reverse("scoring:sheet", args=[cast.year.pk, cast.unit_a.pk])).content.decode()
    assert "Bộ tiêu chí của năm này đang trống." in html and "<details" not in html


def test_every_value_of_a_row_is_escaped_for_the_unit_and_the_reviewer_in_both_languages(client, sc):
    """The row markup is built in Python: criterion code, text and guidance, the note, an
    evidence file name, the reviewer's reason, a refused value typed back into its field and
    the error naming it, for the unit (forms) and the reviewer, in Vietnamese and English, on
    the page and in the htmx row answer. The marker tag must never appear unescaped."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from emulation.scoring.models import Evidence

    evil = '<x-evil a="1">\'&'
    c = sc.criteria.c11
    Criterion.objects.filter(pk=c.pk).update(code=f"1.1{evil}", text=f"Nội dung {evil}", guidance=evil)
    s = sheet(sc, sc.unit_a)
    services.self_score_save(sheet=s, criterion=c, value="5", note=f"ghi chú {evil}", actor=sc.staff_a)
    services.evidence_add(
        sheet=s,
        criterion=c,
        actor=sc.staff_a,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf"),
    )
    Evidence.objects.filter(entry__sheet=s).update(original_name=f"{evil}.pdf")
    url = sheet_url(sc, sc.unit_a)
    row_url = reverse("scoring:row_save", args=[sc.year.pk, sc.unit_a.pk, c.pk])
    pages = []
    for language in ("vi", "en"):
        client.cookies["django_language"] = language
        client.force_login(sc.staff_a)
        pages.append(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
        r = client.post(row_url, {"value": evil, "note": evil}, HTTP_HX_REQUEST="true")
        pages.append(r.content.decode())
        assert 'role="alert"' in pages[-1]  # the refused value's error is shown
    for crit, v in [(c, "5"), (sc.criteria.c12, "40"), (sc.criteria.c21, "có"), (sc.criteria.c22, "200")]:
        services.self_score_save(sheet=s, criterion=crit, value=v, actor=sc.staff_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c31, value="0", actor=sc.staff_a)
    services.sheet_submit(sheet=s, actor=sc.staff_a)
    services.review_adjust(sheet=s, criterion=c, value="4", reason=f"lý do {evil}", actor=sc.secretary)
    for language in ("vi", "en"):
        client.force_login(sc.secretary)
        pages.append(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    for page in pages:
        assert "<x-evil" not in page, page[page.index("<x-evil") - 300 : page.index("<x-evil") + 100]
        assert "&lt;x-evil a=&quot;1&quot;&gt;&#x27;&amp;" in page


def test_a_submitted_sheet_its_history_and_evidence_stay_within_the_cluster(client, sc):
    """Once submitted, the cluster's members may read a sheet; staff of a unit in another cluster
    of the province (and its secretary) may read neither the page with its rows and histories,
    the htmx row answer, nor an evidence file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clusters.models import Role
    from emulation.scoring.models import Evidence
    from tests.factories import make_user, make_year

    s = sheet(sc, sc.unit_a)
    for c, v in [
        (sc.criteria.c11, "5"),
        (sc.criteria.c12, "40"),
        (sc.criteria.c21, "có"),
        (sc.criteria.c22, "200"),
        (sc.criteria.c31, "0"),
    ]:
        services.self_score_save(sheet=s, criterion=c, value=v, note="nháp riêng", actor=sc.staff_a)
    services.evidence_add(
        sheet=s,
        criterion=sc.criteria.c11,
        actor=sc.staff_a,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf"),
    )
    services.sheet_submit(sheet=s, actor=sc.staff_a)
    ev = Evidence.objects.get(entry__sheet=s)
    _cy, units = make_year(province=sc.province, n_members=2, year=sc.year.year)
    outsiders = [
        make_user("ngoai_cum", province=sc.province, unit=units[1], roles=[Role.UNIT_STAFF]),
        make_user("tk_cum_khac", province=sc.province, unit=units[0], roles=[Role.CLUSTER_SECRETARY]),
    ]
    client.force_login(sc.staff_b)  # a member of the cluster: may read the submitted sheet
    assert "nháp riêng" in client.get(sheet_url(sc, sc.unit_a)).content.decode()
    for user in outsiders:
        client.force_login(user)
        page = client.get(sheet_url(sc, sc.unit_a))
        assert page.status_code in (403, 404) and "nháp riêng" not in page.content.decode()
        download = client.get(reverse("scoring:evidence_download", args=[ev.pk]))
        assert download.status_code in (403, 404)
        row = client.post(
            reverse("scoring:row_save", args=[sc.year.pk, sc.unit_a.pk, sc.criteria.c11.pk]),
            {"value": "1"},
            HTTP_HX_REQUEST="true",
        )
        assert row.status_code in (403, 404) and "nháp riêng" not in row.content.decode()
