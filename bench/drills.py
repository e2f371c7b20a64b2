"""Fault drills: kill the worker mid-render, stop the broker, drop database connections,
double-click state-changing buttons. Each drill prints what it did and what it saw.

    uv run python -m bench.drills          (make drills)

Runs on loopback only, on its own database (thidua_drills) and its own Redis port."""

import argparse
import concurrent.futures
import datetime
import sys
import time

from bench.harness import Session, Stack

PASSWORD = "ThiDua@2024"
results = []


def say(drill, what, detail):
    print(f"  [{drill}] {what}: {detail}", flush=True)


def check(drill, ok, detail):
    results.append((drill, ok, detail))
    print(f"  [{drill}] {'OK  ' if ok else 'FAIL'} {detail}", flush=True)


def wait(predicate, timeout=90, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def big_year(n_units):
    """A cluster year with many members, so that its member list takes seconds to render."""
    from clusters.models import Cluster, ClusterYear, MemberRole, Membership, Province, Unit

    province = Province.objects.get(code="hai-phong")
    cluster, _ = Cluster.objects.get_or_create(
        province=province, code="drill", defaults={"name": "Cụm diễn tập"}
    )
    cy, _ = ClusterYear.objects.get_or_create(cluster=cluster, year=2024)
    units = Unit.objects.bulk_create(
        [
            Unit(
                province=province,
                code=f"drill-{i}",
                kind="xa",
                name=f"Xã Diễn Tập {i}",
                leader_name=f"Chủ tịch {i}",
            )
            for i in range(n_units)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(cluster_year=cy, unit=u, role=MemberRole.HEAD if i == 0 else MemberRole.MEMBER)
            for i, u in enumerate(units)
        ]
    )
    return cy


def document(cy):
    from clusters.documents import document_key
    from documents.models import Document

    return Document.objects.filter(key=document_key(cy)).first()


def drill_worker_killed(stack, admin, cy):
    name = "worker killed mid-render"
    print(f"\nDRILL: {name}")
    status, _, _ = admin.post(f"/clusters/years/{cy.pk}/member-list.pdf")
    say(name, "did", f"requested the member list of {cy.memberships.count()} units (HTTP {status})")
    running = wait(lambda: (d := document(cy)) and d.state == "running" and d)
    if not running:
        check(name, False, "the document never started rendering")
        return
    worker = next(n for n in stack.procs if n.startswith("worker"))
    stack.kill(worker)
    say(name, "did", f"SIGKILL to {worker} while the document was at {running.progress}% (state running)")
    time.sleep(1)
    d = document(cy)
    say(name, "saw", f"state after the kill: {d.state}, renders {d.renders}")
    stack.start_worker()
    say(name, "did", "started a new worker; waiting for the beat job to find the stale document")
    from documents.tasks import requeue_stale

    done = wait(
        lambda: requeue_stale.delay() and (d := document(cy)).state == "done" and d, timeout=120, interval=3
    )
    d = document(cy)
    check(
        name,
        bool(done) and d.renders == 1,
        f"state {d.state}, renders {d.renders} (exactly one completed render), attempts {d.attempts}",
    )
    status, text, _ = admin.get(f"/documents/{d.pk}/status/")
    check(name, status == 200 and f"/documents/{d.pk}/download/" in text, "the user sees the download link")


def drill_broker_down(stack, admin, cy):
    name = "broker stopped and started"
    print(f"\nDRILL: {name}")
    stack.stop_redis()
    say(name, "did", "stopped Redis")
    status, _, elapsed = admin.get("/")
    check(name, status == 200, f"home page without a broker: HTTP {status} in {elapsed * 1000:.0f} ms")
    status, _, elapsed = admin.get(f"/clusters/years/{cy.pk}/")
    check(name, status == 200, f"cluster-year page: HTTP {status} in {elapsed * 1000:.0f} ms")
    status, body, _ = admin.get("/healthz")
    check(name, status == 503 and '"broker": "error' in body, f"/healthz says {status} {body.strip()}")
    status, text, elapsed = admin.post(
        f"/clusters/years/{cy.pk}/member-list.pdf", headers={"HX-Request": "true"}
    )
    d = document(cy)
    check(
        name,
        d.state == "failed" and "Hàng đợi" in text,
        f"a job requested now: HTTP {status} in {elapsed:.1f} s, state {d.state}, "
        f"the page says: {d.message!r}",
    )
    stack.start_redis()
    say(name, "did", "started Redis again (the web server was not restarted)")
    time.sleep(2)
    renders = d.renders
    status, _, _ = admin.post(f"/clusters/years/{cy.pk}/member-list.pdf")
    done = wait(lambda: (x := document(cy)).state == "done" and x.renders == renders + 1, timeout=120)
    check(name, bool(done), f"the same request after Redis is back: state {document(cy).state}")
    status, body, _ = admin.get("/healthz")
    check(name, status == 200, f"/healthz says {status} {body.strip()}")


def drill_database_drop(stack, admin, cy):
    import psycopg

    name = "database connections dropped"
    print(f"\nDRILL: {name}")
    admin.get("/")
    with psycopg.connect(stack.env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        killed = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [stack.db_name],
        ).fetchone()[0]
    say(name, "did", f"terminated {killed} server connections of the application")
    from django.db import connection

    connection.close()  # this script's own connection was among them
    first, _, _ = admin.get("/")
    second, _, _ = admin.get("/")
    check(
        name,
        first in (200, 500) and second == 200,
        f"first request after the drop: HTTP {first} (clean), the next: HTTP {second}",
    )


def drill_double_clicks(stack, admin, cy):
    name = "double-click"
    print(f"\nDRILL: {name}")
    from clusters.models import AuditEvent, ClusterYear

    stage = ClusterYear.objects.get(pk=cy.pk).stage
    before = AuditEvent.objects.filter(action="stage.advanced", object_id=str(cy.pk)).count()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        statuses = list(
            pool.map(
                lambda _: admin.post(f"/clusters/years/{cy.pk}/advance/", {"from_stage": stage})[0], range(2)
            )
        )
    after = ClusterYear.objects.get(pk=cy.pk).stage
    moved = AuditEvent.objects.filter(action="stage.advanced", object_id=str(cy.pk)).count() - before
    check(
        name,
        moved == 1,
        f"'next stage' clicked twice at once: {stage} -> {after}, {moved} move(s), HTTP {statuses}",
    )
    renders = document(cy).renders
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: admin.post(f"/clusters/years/{cy.pk}/member-list.pdf"), range(2)))
    wait(lambda: document(cy).state == "done", timeout=120)
    time.sleep(3)
    check(
        name,
        document(cy).renders == renders + 1,
        f"'member list PDF' clicked twice: {document(cy).renders - renders} render(s)",
    )
    for extra in EXTRA_DOUBLE_CLICKS:
        extra(admin, check)


# Apps add double-click drills for their own buttons: fn(session, check).
EXTRA_DOUBLE_CLICKS = []
# Submit scores, sign the pledge, cast a ballot, publish the results (bench/double_clicks.py).
from bench.double_clicks import APP_DOUBLE_CLICKS  # noqa: E402 - after the list it extends

EXTRA_DOUBLE_CLICKS.extend(APP_DOUBLE_CLICKS)


def main():
    parser = argparse.ArgumentParser(description="Fault drills (make drills) on loopback")
    parser.add_argument("--db", default="thidua_drills", help="its own database, dropped and made anew")
    args = parser.parse_args()
    stack = Stack(args.db, stale_seconds=6)
    started = time.monotonic()
    now = datetime.datetime.now().astimezone()
    print(f"== Fault drills ({now:%Y-%m-%d %H:%M}) on 127.0.0.1, database {stack.db_name}")
    try:
        stack.create_database()
        stack.configure_django()
        from django.core.management import call_command

        call_command("load_demo", stdout=open("/dev/null", "w"))
        cy = big_year(600)
        stack.start_redis()
        stack.start_web()
        stack.start_worker()
        admin = Session(stack.url).login("tinh.haiphong", PASSWORD)
        drill_worker_killed(stack, admin, cy)
        drill_broker_down(stack, admin, cy)
        drill_database_drop(stack, admin, cy)
        drill_double_clicks(stack, admin, cy)
    finally:
        stack.stop()
    failed = [r for r in results if not r[1]]
    print(
        f"\n== {len(results) - len(failed)} passed, {len(failed)} failed ({time.monotonic() - started:.0f} s)"
    )
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
