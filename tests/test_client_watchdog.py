"""The client's deadline watchdog: earlier deadlines first, ended sends swept out, idle and closing.

The watchdog is the one thread that ends every send at its deadline (``kapture.client._Watchdog``);
the send-level tests see it only through a 3-second drip, so these pin down its own rules with
stand-in deadlines (mutation testing found them unpinned, TESTING.md).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from kapture import KaptureClient, Outcome, vendor_example
from kapture.client import _Watchdog


class StandIn:
    """A deadline as the watchdog sees it: ``over`` when its send ended, ``expire`` when due."""

    def __init__(self, name: str, *, over: bool = False) -> None:
        self.name = name
        self.over = over
        self.expired_at: float | None = None
        self.expired = threading.Event()

    def expire(self) -> None:
        self.expired_at = time.monotonic()
        self.expired.set()


@pytest.fixture
def watchdog() -> Iterator[_Watchdog]:
    dog = _Watchdog()
    yield dog
    dog.close()


def test_a_later_deadline_watched_first_does_not_hold_back_an_earlier_one(watchdog: _Watchdog) -> None:
    # Two sends of different lengths overlap: the thread sleeps towards the later deadline and
    # must be woken for the earlier one, or the short send would run over by seconds.
    start = time.monotonic()
    late, early = StandIn("late"), StandIn("early")
    watchdog.watch(late, start + 3.0)  # type: ignore[arg-type]
    time.sleep(0.2)  # the thread is now asleep until the later deadline
    watchdog.watch(early, start + 0.3)  # type: ignore[arg-type]
    assert early.expired.wait(2.0), "the earlier deadline waited for the later one"
    assert early.expired_at is not None and early.expired_at - start < 2.0
    assert not late.expired.is_set()
    assert late.expired.wait(5.0) and late.expired_at is not None and late.expired_at >= start + 3.0


def test_deadlines_expire_in_time_order_whatever_order_they_were_watched_in(watchdog: _Watchdog) -> None:
    start = time.monotonic()
    order: list[str] = []
    lock = threading.Lock()

    class Recording(StandIn):
        def expire(self) -> None:
            with lock:
                order.append(self.name)
            super().expire()

    ones = [Recording(name) for name in ("c", "a", "b")]
    for stand_in, offset in zip(ones, (0.6, 0.2, 0.4), strict=True):
        watchdog.watch(stand_in, start + offset)  # type: ignore[arg-type]
    assert all(stand_in.expired.wait(5.0) for stand_in in ones)
    assert order == ["a", "b", "c"]


def test_ended_sends_are_swept_out_and_live_ones_kept(watchdog: _Watchdog) -> None:
    # A steady stream of short sends leaves ended deadlines queued until their time; the queue
    # is swept when it reaches 1,024 so it cannot grow without end.
    far = time.monotonic() + 3600
    for n in range(5000):
        watchdog.watch(StandIn(f"ended {n}", over=True), far)  # type: ignore[arg-type]
    live = StandIn("live")
    watchdog.watch(live, time.monotonic() + 0.1)  # type: ignore[arg-type]
    assert len(watchdog._queue) <= 1025, "ended deadlines piled up"
    assert live.expired.wait(5.0), "the sweep lost a live deadline"


def test_the_sweep_point_follows_the_live_deadlines(watchdog: _Watchdog) -> None:
    # With 1,500 live sends in flight, sweeping at every watch would be quadratic: the next
    # sweep waits until the queue doubles.
    far = time.monotonic() + 3600
    for n in range(1500):
        watchdog.watch(StandIn(f"live {n}"), far)  # type: ignore[arg-type]
    assert len(watchdog._queue) == 1500
    assert watchdog._prune_at == 2048, "the sweep point did not move past the live deadlines"


def test_an_idle_watchdog_ends_its_thread_and_a_new_send_starts_it_again(
    watchdog: _Watchdog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Watchdog, "_IDLE_SECONDS", 0.2)
    first = StandIn("first")
    watchdog.watch(first, time.monotonic() + 0.05)  # type: ignore[arg-type]
    assert first.expired.wait(5.0)
    thread = watchdog._thread
    assert thread is not None
    thread.join(5.0)
    assert not thread.is_alive() and watchdog._thread is None, "the idle thread did not end"
    second = StandIn("second")
    watchdog.watch(second, time.monotonic() + 0.05)  # type: ignore[arg-type]
    assert second.expired.wait(5.0), "no thread watched the send after the idle one ended"


def test_closing_ends_the_thread_at_once_and_the_client_can_still_send_after(watchdog: _Watchdog) -> None:
    ended = StandIn("ended", over=True)
    watchdog.watch(ended, time.monotonic() + 3600)  # type: ignore[arg-type]
    thread = watchdog._thread
    assert thread is not None
    watchdog.close()
    thread.join(5.0)
    assert not thread.is_alive(), "close() left the thread waiting for an ended send's deadline"
    again = StandIn("again")
    watchdog.watch(again, time.monotonic() + 0.05)  # type: ignore[arg-type]
    assert again.expired.wait(5.0), "a send after close() was not watched"


def test_closing_keeps_watching_a_send_still_in_flight(watchdog: _Watchdog) -> None:
    live = StandIn("live")
    watchdog.watch(live, time.monotonic() + 0.2)  # type: ignore[arg-type]
    watchdog.close()
    assert live.expired.wait(5.0), "close() dropped a send still in flight"


def test_a_server_that_never_takes_the_connection_is_a_connect_timeout_and_nothing_was_sent() -> None:
    # listen(0) and one connection already waiting: the kernel drops the next one's SYNs.
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):
            url = f"http://127.0.0.1:{port}"
            with KaptureClient(url, token="dGVzdDp0ZXN0", timeout=(0.5, 5)) as kc:
                result = kc.add_order(vendor_example())
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.error == "no connection within 0.5 s"
    assert "0.5 s" in result.explanation
