"""Pledges: every member's registration with targets, the finalised pledge, approvals, signatures."""

import datetime
import secrets
from decimal import Decimal

from .common import ARTICLES, bulk


def pledges(w):
    n_regs = registrations(w.M, w.cy_members)
    versions = finalised_pledges(w.M, w.cy_members, lambda cy: cy.stage != "registration", w.leaders_by_unit)
    w.timer.step("registrations, pledges, approvals, signatures", n_regs + len(versions))


def finalised_pledges(models, cy_members, signed, leaders_by_unit):
    """A finalised pledge per cluster year, approved by every member; signed by every member
    (their leader) where `signed(cy)`. → the final versions."""
    Pledge, PledgeVersion, PledgeApproval, PledgeSignature = (
        models["Pledge"],
        models["PledgeVersion"],
        models["PledgeApproval"],
        models["PledgeSignature"],
    )
    now = datetime.datetime.now(datetime.UTC)
    pledges = bulk(
        Pledge, [Pledge(cluster_year=cy, state="final", finalised_at=now) for cy, _u in cy_members]
    )
    versions = bulk(
        PledgeVersion,
        [
            PledgeVersion(
                pledge=p,
                number=1,
                title=f"Giao ước thi đua năm {cy.year}",
                preamble="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
                "Căn cứ Nghị định số 98/2023/NĐ-CP của Chính phủ;",
                articles=[a.format(y=cy.year) for a in ARTICLES],
                place=cy.cluster.province.place_name or "Thử Nghiệm",
                signing_date=datetime.date(cy.year, 3, 1),
            )
            for p, (cy, _u) in zip(pledges, cy_members, strict=True)
        ],
    )
    for p, v in zip(pledges, versions, strict=True):
        p.final_version = v
    Pledge.objects.bulk_update(pledges, ["final_version"], batch_size=2000)
    bulk(
        PledgeApproval,
        [
            PledgeApproval(version=v, unit_id=u, approved=True)
            for v, (_cy, units) in zip(versions, cy_members, strict=True)
            for u in units
        ],
    )
    sigs = []
    for v, (cy, units) in zip(versions, cy_members, strict=True):
        if not signed(cy):
            continue
        for u in units:
            leader = leaders_by_unit.get(u)
            sigs.append(
                PledgeSignature(
                    version=v,
                    unit_id=u,
                    signer=leader,
                    signer_name=leader.full_name if leader else "Chủ tịch",
                    state="done",
                    signed_at=now,
                    file_sha256=secrets.token_hex(32),
                )
            )
    bulk(PledgeSignature, sigs)
    return versions


def registrations(models, cy_members):
    """Every member's registration with two targets. → how many."""
    Registration, RegistrationTarget = models["Registration"], models["RegistrationTarget"]
    now = datetime.datetime.now(datetime.UTC)
    regs = bulk(
        Registration,
        [
            Registration(cluster_year=cy, unit_id=u, aims="Cờ thi đua của UBND tỉnh", submitted_at=now)
            for cy, units in cy_members
            for u in units
        ],
    )
    bulk(
        RegistrationTarget,
        [
            RegistrationTarget(
                registration=r, key=key, name=name, value=Decimal(value), measure=measure, position=i
            )
            for r in regs
            for i, (key, name, value, measure) in enumerate(
                [
                    ("thu-ngan-sach", "Thu ngân sách", "1250.000", "tỷ đồng"),
                    ("ho-ngheo", "Giảm tỷ lệ hộ nghèo", "1.500", "%"),
                ]
            )
        ],
    )
    return len(regs)
