"""Benchmark instrumentation, enabled only when the environment variable BENCH_TIMING=1 is set
(see settings.py and bench/run.py); never in normal operation.

- Every response gets the header `X-Bench: <server ms>;<SQL queries>;<CPU ms of this thread>`,
  measured around the whole middleware stack below this one (it is inserted first). The CPU time
  leaves out waiting (database, other processes on the machine); the server time includes it.
- `/bench/baseline/` is a trivial page on the same server, through the same middleware: the
  site layout (base.html) for the logged-in person and nothing else. Pages are compared to it
  (`ratio_to_baseline`)."""

import time

from django.contrib.auth.decorators import login_required
from django.db import connections
from django.shortcuts import render
from django.urls import include, path

HEADER = "X-Bench"
BASELINE_PATH = "/bench/baseline/"


class BenchTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == BASELINE_PATH:
            request.urlconf = __name__  # this module's urlpatterns: the baseline + the whole site
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        start, cpu = time.perf_counter(), time.thread_time()
        with connections["default"].execute_wrapper(count):
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.thread_time() - cpu) * 1000
        response[HEADER] = f"{elapsed_ms:.3f};{queries[0]};{cpu_ms:.3f}"
        return response


@login_required
def baseline(request):
    return render(request, "base.html", {})


urlpatterns = [
    path(BASELINE_PATH.strip("/") + "/", baseline, name="bench_baseline"),
    path("", include("emulation.urls")),
]
