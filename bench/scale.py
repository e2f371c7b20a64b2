"""More than one machine: throughput of the ballot and ranking pages with 1 and 2 gunicorn
instances (different ports, as if different hosts behind a balancer), and of PDF rendering with
1 and 2 Celery workers, all against the one PostgreSQL and Redis of the stack.

On this 2-core machine the second instance and worker share the same cores as the first: the
figure shows that nothing breaks or serialises across processes (no in-process state), not the
speed-up a second host would bring."""

import time

from bench.harness import free_port
from bench.pages import run_load
from bench.pdfs import _province_admin, _wait_done
from bench.sessions import session_for
from bench.stats import summary


def _pages(manifest):
    m = manifest
    return [
        ("ballot", f"/awards/polls/{m['ballot']['poll']}/vote/", m["ballot"]["user"]),
        ("ranking", f"/scoring/year/{m['ranking_year']}/ranking/", m["secretary"]),
    ]


def _warm(manifest, base, count):
    """A new instance's workers import and connect on their first requests: not what is measured."""
    from bench.load import _request

    for _name, path, user in _pages(manifest):
        session = session_for(user)
        for _ in range(count):
            _request(base, path, session["session"], session["csrf"], timeout=120)


def measure_web(manifest, stack, seconds, clients):
    figures = {}
    bases = [stack.url]
    try:
        for n in (1, 2):
            if n == 2:
                bases.append(stack.start_web(name="web2", port=free_port()))
                _warm(manifest, bases[1], 2 * stack.web_workers)
            for name, path, user in _pages(manifest):
                session = session_for(user)
                page = {"path": path, "session": session["session"], "csrf": session["csrf"]}
                spec = {"base": bases[0], "bases": bases, "page": page, "seconds": seconds}
                spec["clients"] = clients
                raw = run_load("throughput", spec, stack, f"throughput-{name}-{n}")
                ok = [ms for status, ms in raw["samples"] if status == 200]
                figures[f"{name}_{n}_instance{'s' if n > 1 else ''}"] = {
                    "instances": n,
                    "clients": clients,
                    "seconds": round(raw["wall_seconds"], 1),
                    "requests_per_second": round(len(ok) / raw["wall_seconds"], 1),
                    "client_ms": summary(ok),
                    "errors": len(raw["samples"]) - len(ok),
                    "samples": len(ok),
                }
    finally:
        if "web2" in stack.procs:
            stack.kill("web2")
    return figures


def measure_pdf_workers(manifest, count):
    """`count` distinct pledge PDFs queued at once; documents per second until the last is done."""
    from documents.services import document_request
    from emulation.pledges import pdf as pledge_pdf
    from emulation.pledges.models import PledgeVersion
    from emulation.pledges.services import KIND, document_key

    size, ids = min(manifest["pdf"].items(), key=lambda kv: int(kv[0]))
    version = PledgeVersion.objects.select_related("pledge__cluster_year__cluster").get(pk=ids["version"])
    cy = version.pledge.cluster_year
    actor = _province_admin(manifest, "aux_admin")
    start = time.perf_counter()
    docs = [
        document_request(
            key=f"{document_key(version, pledge_pdf.SIGNING)}:throughput-{time.time_ns()}-{i}",
            kind=KIND,
            province_id=cy.cluster.province_id,
            actor=actor,
            title=f"Giao ước {cy.year} (bench throughput)",
            params={"version_id": version.pk, "copy": pledge_pdf.SIGNING},
        )
        for i in range(count)
    ]
    done = [_wait_done(d.pk, timeout=600) for d in docs]
    wall = time.perf_counter() - start
    tasks = [(d.finished_at - d.started_at).total_seconds() * 1000 for d in done if d.state == "done"]
    return {
        "documents": count,
        "signatories": int(size),
        "failed": sum(1 for d in done if d.state != "done"),
        "seconds": round(wall, 2),
        "documents_per_second": round(count / wall, 2),
        "task_ms": summary(tasks),
        "samples": len(tasks),
    }


def measure_scale(manifest, stack, seconds=15, clients=6, pdfs=8):
    web = measure_web(manifest, stack, seconds, clients)
    pdf = {"1_worker": measure_pdf_workers(manifest, pdfs)}
    stack.start_worker()
    try:
        pdf["2_workers"] = measure_pdf_workers(manifest, pdfs)
    finally:
        stack.kill(f"worker{stack.worker_count}")
    return {
        "web": web,
        "pdf": pdf,
        "note": "2 CPUs shared by every instance and worker (and other sessions): the second "
        "instance/worker adds processes, not cores",
    }
