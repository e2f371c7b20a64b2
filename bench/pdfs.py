"""PDFs through the Celery task: the pledge's signing copy against raw WeasyPrint on the same HTML,
signatures added in turn, and the year-end summary report."""

import statistics
import time

from bench.stats import TARGETS, summary


def _wait_done(document_id, timeout=180):
    from documents.models import Document

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        d = Document.objects.get(pk=document_id)
        if d.state in ("done", "failed"):
            return d
        time.sleep(0.02)
    raise RuntimeError(f"document {document_id} not rendered within {timeout} s")


def _province_admin(manifest, key="admin"):
    """The acting user of the bench's document requests (documents are asked for by someone): the
    admin of the document's province (`aux_admin` for the second province's pledge clusters)."""
    from clusters.models import User

    return User.objects.get(username=manifest[key])


def _through_task(request_fn, samples):
    """Request the same document `samples` times through Celery; (end-to-end ms, task ms)."""
    end_to_end, task = [], []
    for _ in range(samples):
        start = time.perf_counter()
        doc = request_fn()
        doc = _wait_done(doc.pk)
        e2e = (time.perf_counter() - start) * 1000
        if doc.state != "done":
            raise RuntimeError(f"document {doc.key} failed: {doc.message}")
        end_to_end.append(e2e)
        task.append((doc.finished_at - doc.started_at).total_seconds() * 1000)
    return end_to_end, task


def measure_pdfs(manifest, samples):
    import unicodedata

    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from documents.services import document_request
    from emulation.pledges import pdf as pledge_pdf
    from emulation.pledges.models import PledgeVersion
    from emulation.pledges.services import KIND, document_key

    figures = {}
    per_size = {}
    for size, ids in sorted(manifest["pdf"].items(), key=lambda kv: int(kv[0])):
        version = PledgeVersion.objects.select_related("pledge__cluster_year__cluster__province").get(
            pk=ids["version"]
        )
        cy = version.pledge.cluster_year

        def request(version=version, cy=cy):
            return document_request(
                key=document_key(version, pledge_pdf.SIGNING),
                kind=KIND,
                province_id=cy.cluster.province_id,
                actor=_province_admin(manifest, "aux_admin"),
                title=f"Giao ước {cy.year} (bench)",
                params={"version_id": version.pk, "copy": pledge_pdf.SIGNING},
            )

        def raw_render(version=version):
            start = time.perf_counter()
            html = unicodedata.normalize(
                "NFC",
                render_to_string("pledges/pledge_pdf.html", pledge_pdf.pledge_context(version, "signing")),
            )
            HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
            return (time.perf_counter() - start) * 1000

        request_and_wait = _through_task(request, 1)  # warm-up (fonts, templates in the worker)
        raw_render()

        def app_render(version=version):
            start = time.perf_counter()
            pledge_pdf.render(version, pledge_pdf.SIGNING)  # what the task calls: + signature fields
            return (time.perf_counter() - start) * 1000

        app_render()
        e2e, task, raw, app = [], [], [], []
        for _ in range(samples):  # alternated, so that all see the same load on the machine
            one_e2e, one_task = _through_task(request, 1)
            e2e += one_e2e
            task += one_task
            raw.append(raw_render())
            app.append(app_render())
        fig = {
            "signatories": int(size),
            "task_ms": summary(task),
            "end_to_end_ms": summary(e2e),
            "raw_weasyprint_ms": summary(raw),
            "render_function_in_process_ms": summary(app),
            "warmup_ms": round(request_and_wait[1][0], 1),
        }
        fig["ratio_to_raw"] = round(fig["task_ms"]["median"] / fig["raw_weasyprint_ms"]["median"], 3)
        fig["render_function_ratio_to_raw"] = round(
            fig["render_function_in_process_ms"]["median"] / fig["raw_weasyprint_ms"]["median"], 3
        )
        fig["end_to_end_ratio_to_raw"] = round(
            fig["end_to_end_ms"]["median"] / fig["raw_weasyprint_ms"]["median"], 3
        )
        fig["samples"] = fig["task_ms"]["samples"]
        fig["target_ratio_to_raw"] = TARGETS["pdf_ratio_to_raw"]
        fig["meets_target"] = fig["ratio_to_raw"] <= TARGETS["pdf_ratio_to_raw"]
        figures[f"pledge_{size}"] = fig
        per_size[int(size)] = fig
    sizes = sorted(per_size)
    if len(sizes) >= 2:
        lo, hi = per_size[sizes[0]], per_size[sizes[-1]]
        step = hi["signatories"] - lo["signatories"]
        figures["per_added_signatory"] = {
            "task_ms": round((hi["task_ms"]["median"] - lo["task_ms"]["median"]) / step, 2),
            "raw_ms": round(
                (hi["raw_weasyprint_ms"]["median"] - lo["raw_weasyprint_ms"]["median"]) / step, 2
            ),
            "between": [lo["signatories"], hi["signatories"]],
            "samples": min(lo["samples"], hi["samples"]),
        }
    return figures


def measure_signing(manifest):
    """Every member of the largest pledge (23 members in the full run) signs in turn through the
    Celery task (PAdES B-T, each signature an incremental update of the file): the time of each,
    from the request to "done", and the size of the official file (after the last signature the
    task also checks the whole file and adds the DSS and the document timestamp, B-LT/B-LTA;
    that one is reported apart). Certificates are issued beforehand (key generation is not what
    is measured)."""
    from clusters.models import Membership, Role, User, UserRole
    from documents.models import Document
    from emulation.pledges import services as ps
    from emulation.pledges.models import PledgeSignature, PledgeVersion, ProvinceAuthority

    size = max(manifest["pdf"], key=int)
    version = PledgeVersion.objects.select_related("pledge__cluster_year__cluster__province").get(
        pk=manifest["pdf"][size]["version"]
    )
    cy = version.pledge.cluster_year
    # a fresh start when the data set is reused: no signature, no signed file, no frozen base
    PledgeSignature.objects.filter(version=version).delete()
    Document.objects.filter(key=ps.signed_document_key(version)).delete()
    PledgeVersion.objects.filter(pk=version.pk).update(base_sha256="", base_length=None)
    version.refresh_from_db()
    province = cy.cluster.province
    if not ProvinceAuthority.objects.filter(province=province).exists():
        ps.authority_create(province=province)
    units = [m.unit for m in Membership.objects.filter(cluster_year=cy).select_related("unit__province")]
    signers = []
    for u in units:
        ps.unit_certificate(u, year=cy.year, person_name=u.leader_name or u.name)
        user, created = User.objects.get_or_create(
            username=f"ky.{u.code}",
            defaults={"province_id": u.province_id, "unit": u, "full_name": u.leader_name or u.name},
        )
        if created:
            UserRole.objects.create(user=user, role=Role.UNIT_LEADER)
        signers.append(user)
    times, sizes = [], []
    for user in signers:
        start = time.perf_counter()
        sig = ps.signature_request(version=version, user=user)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = PledgeSignature.objects.filter(pk=sig.pk).values_list("state", "message").first()
            if state[0] != "queued":
                break
            time.sleep(0.02)
        if state[0] != "done":
            return {"samples": 0, "note": f"signature {sig.pk} {state[0]}: {state[1]}"}
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(ps.current_pdf(version)))
    n = len(times)
    before_last = times[:-1] or times
    mean_x, mean_y = (len(before_last) - 1) / 2, statistics.mean(before_last)
    slope = sum((i - mean_x) * (t - mean_y) for i, t in enumerate(before_last)) / max(
        1, sum((i - mean_x) ** 2 for i in range(len(before_last)))
    )
    return {
        "signatories": int(size),
        "per_signature_ms": summary(before_last),  # B-T signature, its timestamp and its check
        "all_signatures_ms": summary(times),
        "first_ms": round(times[0], 1),
        "last_ms": round(times[-1], 1),  # + the whole file's check, DSS and document timestamp
        "growth_ms_per_earlier_signature": round(slope, 2),
        # KB = 1,000 bytes (the target's unit)
        "file_kb_after_first": round(sizes[0] / 1000, 1),
        "file_kb_after_last": round(sizes[-1] / 1000, 1),
        "official_kb": round(sizes[-1] / 1000, 1),
        "official_bytes": sizes[-1],
        "official_target_kb": 150,
        "samples": n,
    }


def measure_summary_report(manifest, samples):
    """The year-end summary report through the task, when the year-end app has it."""
    try:
        from documents import registry
        from yearend.documents import KIND, document_key
    except ImportError as exc:
        return {"available": False, "note": f"year-end summary report not available ({exc})", "samples": 0}
    if not registry.is_registered(KIND):
        return {"available": False, "note": "year-end summary report kind not registered", "samples": 0}
    from clusters.models import ClusterYear
    from documents.services import document_request

    cy = ClusterYear.objects.select_related("cluster").get(pk=manifest["results_year"])

    def request():
        return document_request(
            key=document_key(cy),
            kind=KIND,
            province_id=cy.cluster.province_id,
            actor=_province_admin(manifest),
            title=f"Báo cáo tổng kết {cy.year} (bench)",
            params={"cluster_year_id": cy.pk},
        )

    try:
        _through_task(request, 1)
        e2e, task = _through_task(request, samples)
    except Exception as exc:  # noqa: BLE001 - another app's failure is reported, not fatal
        return {"available": False, "note": f"summary report failed: {exc}", "samples": 0}
    return {
        "available": True,
        "cluster_year": cy.pk,
        "units": manifest["ranking_units"],
        "task_ms": summary(task),
        "end_to_end_ms": summary(e2e),
        "samples": len(task),
    }
