"""A closed-loop HTTP load generator: N clients, each on its own keep-alive
connection, posting one body again and again for a given time. Standard
library only; each client is a thread (the waiting is in socket calls,
outside the GIL)."""
import http.client
import threading
import time


def run(host, port, path, body, headers, clients, seconds, on_tick=None):
    """Returns (latencies in seconds of the answers that were 200, errors as
    a list of strings, wall seconds)."""
    lat, errors = [], []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine, errs = [], []
        while time.monotonic() < end:
            t0 = time.monotonic()
            try:
                conn.request("POST", path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                if r.status != 200 or not data.startswith(b"%PDF-"):
                    errs.append(f"{r.status} {data[:200]!r}")
                else:
                    mine.append(time.monotonic() - t0)
            except (OSError, http.client.HTTPException) as e:
                errs.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.close()
        with lock:
            lat.extend(mine)
            errors.extend(errs)

    t0 = time.monotonic()
    ts = [threading.Thread(target=client) for _ in range(clients)]
    for t in ts:
        t.start()
    if on_tick:
        while any(t.is_alive() for t in ts):
            on_tick()
            time.sleep(0.5)
    for t in ts:
        t.join()
    return lat, errors, time.monotonic() - t0


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
