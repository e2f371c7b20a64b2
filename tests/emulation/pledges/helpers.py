"""Builders for pledge tests."""

import datetime

from clusters.models import Role, User
from emulation.pledges import services
from emulation.pledges.models import PledgeState
from tests.factories import make_user

ARTICLES = [
    "Thi đua hoàn thành xuất sắc các chỉ tiêu phát triển kinh tế - xã hội năm; bảo đảm quốc phòng, an ninh.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số; nâng cao chỉ số PAR INDEX và sự hài lòng của người dân.",
    "Xây dựng Đảng, chính quyền trong sạch, vững mạnh; thực hành tiết kiệm, chống lãng phí.",
    "Phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến; thực hiện tốt chế độ thông tin, báo cáo.",
]


def draft(cy, actor, **kw):
    data = {
        "title": f"Giao ước thi đua năm {cy.year}",
        "preamble": "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;\n"
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ;",
        "articles": ARTICLES,
        "place": "Hải Phòng",
        "signing_date": datetime.date(cy.year, 2, 28),
    }
    data.update(kw)
    return services.pledge_draft(cluster_year=cy, actor=actor, **data)


def reviewer_for(unit):
    """A staff account of `unit` (reviews are made by the unit itself)."""
    user = User.objects.filter(unit=unit, roles__role=Role.UNIT_STAFF).order_by("pk").first()
    return user or make_user(f"staff_{unit.pk}", province=unit.province, unit=unit, roles=[Role.UNIT_STAFF])


def approve_all(version, actor=None):
    cy = version.pledge.cluster_year
    for m in cy.memberships.select_related("unit"):
        services.pledge_review(
            version=version, unit=m.unit, approved=True, comment="", actor=reviewer_for(m.unit)
        )


def finalised(cy, actor):
    version = draft(cy, actor)
    approve_all(version, actor)
    services.pledge_finalise(cluster_year=cy, actor=actor)
    version.pledge.refresh_from_db()
    assert version.pledge.state == PledgeState.FINAL
    return version


def leader_for(unit, username=None):
    return make_user(
        username or f"leader_{unit.pk}", province=unit.province, unit=unit, roles=[Role.UNIT_LEADER]
    )


def render_in_process(version):
    """Run the queued renders of both copies here (the worker path is tested separately)."""
    from documents.models import Document
    from documents.services import render_now

    for doc in Document.objects.filter(key__startswith=f"pledge-{version.pk}-v{version.number}-"):
        render_now(doc.pk)
    return {
        d.key.rsplit("-", 1)[-1]: d
        for d in Document.objects.filter(key__startswith=f"pledge-{version.pk}-v{version.number}-")
    }


def sign_in_process(version, user):
    sig = services.signature_request(version=version, user=user)
    return services.signature_apply(sig.pk)


def upload_in_process(version, unit, data, actor):
    """Upload an externally signed copy and run its check here (the task path is tested with
    the worker); returns the CopyCheck."""
    check = services.signature_upload(version=version, unit=unit, data=data, actor=actor)
    services.copy_check_run(check.pk)
    check.refresh_from_db()
    return check


def public_check(version, data):
    check = services.copy_check_request(version=version, data=data)
    services.copy_check_run(check.pk)
    check.refresh_from_db()
    return check
