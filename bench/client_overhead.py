"""KaptureClient against the vendor sample's pattern, alternated in one run.

    python -m bench.client_overhead [--orders 500]

The sandbox runs in its own process (as Kapture would), so the two patterns share nothing but
the loopback. Each round sends one order through a kept-alive ``KaptureClient`` and one
through a fresh ``requests.request("POST", ...)``, as the vendor's Python sample does.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import requests

from bench.sandbox_process import sandbox_process
from kapture import KaptureClient, basic_token, vendor_example
from kapture.client import ADD_UPDATE_PATH
from sandbox import DEMO_PASSWORD, DEMO_USERNAME


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args()
    with sandbox_process() as url:
        client_ms, vendor_ms = _run(url, args.orders)
    _report(args.orders, client_ms, vendor_ms)


def _run(url: str, orders: int) -> tuple[list[float], list[float]]:
    payload = vendor_example()
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Basic {basic_token(DEMO_USERNAME, DEMO_PASSWORD)}",
    }
    client_ms: list[float] = []
    vendor_ms: list[float] = []
    with KaptureClient(url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        for _ in range(20):  # warm both paths up: imports, first connection
            client.add_order(payload)
            requests.request("POST", url + ADD_UPDATE_PATH, headers=headers, data=json.dumps(payload))
        for _ in range(orders):
            started = time.perf_counter()
            result = client.add_order(payload)
            client_ms.append((time.perf_counter() - started) * 1000)
            assert result.ok, result.explanation

            started = time.perf_counter()
            response = requests.request(
                "POST", url + ADD_UPDATE_PATH, headers=headers, data=json.dumps(payload)
            )
            vendor_ms.append((time.perf_counter() - started) * 1000)
            assert response.json()["status"] == "success"
    return client_ms, vendor_ms


def _report(orders: int, client_ms: list[float], vendor_ms: list[float]) -> None:
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    client_median, vendor_median = statistics.median(client_ms), statistics.median(vendor_ms)
    print(f"{orders} add-orders each, alternated, sandbox in its own process")
    print(f"KaptureClient (keep-alive)   median {client_median:.3f} ms   p95 {p95(client_ms):.3f} ms")
    print(f"vendor pattern (fresh conn)  median {vendor_median:.3f} ms   p95 {p95(vendor_ms):.3f} ms")
    print(f"ratio client/vendor (median): {client_median / vendor_median:.2f}x  (goal <= 0.80x)")


if __name__ == "__main__":
    main()
