"""The load generator of `make bench`: a separate process that sends HTTP requests over loopback
only, bounded in count and in time. No Django here: it only reads a spec and writes raw samples.

    python -m bench.load pages SPEC.json OUT.json
    python -m bench.load burst SPEC.json OUT.json
    python -m bench.load arrivals SPEC.json OUT.json

Spec (written by bench/run.py):
    {"base": "http://127.0.0.1:PORT", "time_limit": seconds,
     "pages": [{"name", "path", "session", "csrf", "samples", "warmup",
                "upload": {"field", "filename", "content_b64"} (optional: POSTed as a file),
                "base" (optional: another server, bench/compare.py)}],                       # pages
     "burst": {"path", "data", "voters": [{"session", "csrf", "clicks"}]},           # burst
     "arrivals": {"path", "data", "voters": [...], "offsets": [seconds after start]}} # arrivals

Each sample: HTTP status, client milliseconds (round trip), server milliseconds and query count
(from the X-Bench header of the timing middleware)."""

import base64
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BENCH_HEADER = "X-Bench"


def _multipart(upload):
    """A multipart/form-data body with one file (the bulk set-up preview)."""
    boundary = "bench" + "x" * 20
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{upload["field"]}"; '
        f'filename="{upload["filename"]}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    body = head + base64.b64decode(upload["content_b64"]) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _request(base, path, session, csrf, data=None, timeout=60, upload=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    content_type = None
    if upload is not None:
        body, content_type = _multipart(upload)
    req = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET")  # noqa: S310
    if content_type:
        req.add_header("Content-Type", content_type)
    req.add_header("Cookie", f"sessionid={session}; csrftoken={csrf}")
    req.add_header("X-CSRFToken", csrf)
    req.add_header("Referer", base + "/")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback only
            status, headers, text = resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, headers, text = exc.code, exc.headers, exc.read().decode("utf-8", "replace")
    except Exception as exc:  # noqa: BLE001 - a refused/timed-out connection is a sample too
        return {"status": 0, "client_ms": (time.perf_counter() - start) * 1000, "error": repr(exc)}, ""
    client_ms = (time.perf_counter() - start) * 1000
    sample = {"status": status, "client_ms": client_ms}
    raw = headers.get(BENCH_HEADER) if headers else None
    if raw:
        fields = raw.split(";")
        sample["server_ms"], sample["queries"] = float(fields[0]), int(fields[1])
        if len(fields) > 2:
            sample["cpu_ms"] = float(fields[2])
    return sample, text


def run_pages(spec):
    """Pages in turn (round robin), one request at a time, after a warm-up of each page."""
    base, deadline = spec["base"], time.monotonic() + spec.get("time_limit", 300)
    pages = spec["pages"]
    out = {p["name"]: {"path": p["path"], "samples": [], "warmup_status": []} for p in pages}
    for p in pages:
        for _ in range(p.get("warmup", 3)):
            sample, _text = _request(
                p.get("base", base), p["path"], p["session"], p["csrf"], upload=p.get("upload")
            )
            out[p["name"]]["warmup_status"].append(sample["status"])
    rounds = max(p["samples"] for p in pages)
    for i in range(rounds):
        for p in pages:
            if i < p["samples"] and time.monotonic() < deadline:
                sample, _text = _request(
                    p.get("base", base), p["path"], p["session"], p["csrf"], upload=p.get("upload")
                )
                out[p["name"]]["samples"].append(sample)
    return {"pages": out, "timed_out": time.monotonic() >= deadline}


def run_burst(spec):
    """Every voter's POST released at the same instant (a barrier); some voters double-click."""
    base, burst = spec["base"], spec["burst"]
    requests = [(v, click) for v in burst["voters"] for click in range(v.get("clicks", 1))]
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def cast(index):
        voter, click = requests[index]
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        # as long as the run may last: on a busy machine a cast still served after 60 s is not lost
        results[index] = _cast(base, burst["path"], burst["data"], voter, click, spec.get("time_limit", 120))

    threads = [threading.Thread(target=cast, args=(i,), daemon=True) for i in range(len(requests))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=spec.get("time_limit", 120))
    wall = time.perf_counter() - started
    return {"casts": [r for r in results if r is not None], "sent": len(requests), "wall_seconds": wall}


def _cast(base, path, data, voter, click, timeout=60):
    sample, text = _request(base, path, voter["session"], voter["csrf"], data, timeout=timeout)
    marker = 'id="receipt-code">'
    if marker in text:
        sample["receipt"] = text.split(marker, 1)[1].split("<", 1)[0].strip()
    sample["voter"], sample["click"] = voter["name"], click
    return sample


def run_arrivals(spec):
    """Each voter casts once at its own time after the start (Poisson arrivals, drawn by the
    caller): a thread per voter sleeps until its offset, then sends its POST."""
    base, a = spec["base"], spec["arrivals"]
    results = [None] * len(a["voters"])
    started = time.perf_counter()

    def cast(index):
        delay = a["offsets"][index] - (time.perf_counter() - started)
        if delay > 0:
            time.sleep(delay)
        results[index] = _cast(base, a["path"], a["data"], a["voters"][index], 0)

    threads = [threading.Thread(target=cast, args=(i,), daemon=True) for i in range(len(a["voters"]))]
    for t in threads:
        t.start()
    deadline = started + spec.get("time_limit", 180)
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.perf_counter()))
    wall = time.perf_counter() - started
    return {"casts": [r for r in results if r is not None], "sent": len(threads), "wall_seconds": wall}


def run_throughput(spec):
    """`clients` threads request one page in a closed loop for `seconds`, spread over the
    instances in `bases` (client i talks to instance i mod n, like a balancer): requests per second."""
    bases, page = spec["bases"], spec["page"]
    stop_at = time.perf_counter() + spec["seconds"]
    done = [[] for _ in range(spec["clients"])]

    def client(i):
        base = bases[i % len(bases)]
        while time.perf_counter() < stop_at:
            sample, _text = _request(base, page["path"], page["session"], page["csrf"])
            done[i].append((sample["status"], sample["client_ms"]))

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(spec["clients"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=spec["seconds"] + 60)
    wall = time.perf_counter() - started
    samples = [x for d in done for x in d]
    return {"samples": samples, "wall_seconds": wall}


def main(argv):
    mode, spec_path, out_path = argv[1:4]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    bases = [spec["base"], *spec.get("bases", []), *(p["base"] for p in spec.get("pages", []) if "base" in p)]
    if not all(b.startswith("http://127.0.0.1:") for b in bases):
        raise SystemExit("the load generator only talks to loopback")
    runs = {"pages": run_pages, "burst": run_burst, "arrivals": run_arrivals, "throughput": run_throughput}
    result = runs[mode](spec)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
