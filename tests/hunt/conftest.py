"""One recorded session of real traffic on the loopback, shared by the capture-reader tests.

Every client of `wire_kit.CLIENTS` and the shipped benign PoC (unmarked, against the recording
listener only) send their requests over IPv4; the raw socket and http.client do it again over
IPv6 (`::1`) when the machine has it. tcpdump records the session three ways at once: on `lo`
(Ethernet framing on Linux), on `any` (Linux cooked v2) and on `any` forced to cooked v1.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from forewarn.investigate.demo import scenario_dir

from .wire_kit import CLIENTS, Listener, have_tcpdump, listening, run_clients, tcpdump

DUMPS = {"lo": ("-i", "lo"), "sll2": ("-i", "any"), "sll": ("-i", "any", "-y", "LINUX_SLL")}
"""tcpdump runs: name → options."""


@dataclass
class Traffic:
    """What was sent and what recorded it."""

    v4: Listener
    v6: Listener | None
    pcaps: dict[str, Path] = field(default_factory=dict)


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def _run_poc(listener: Listener) -> None:
    listener.client = "poc"
    with scenario_dir() as folder:
        argv = [sys.executable, "-I", str(folder / "poc.py"), "--host", "127.0.0.1"]
        subprocess.run(
            [*argv, "--port", str(listener.port), "--timeout", "5"],
            capture_output=True,
            timeout=60,
            check=False,
        )


@pytest.fixture(scope="session")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Traffic]:
    folder = tmp_path_factory.mktemp("traffic")
    with ExitStack() as stack:
        v4 = stack.enter_context(listening())
        v6 = stack.enter_context(listening(socket.AF_INET6)) if _has_ipv6() else None
        ports = [v4.port] + ([v6.port] if v6 else [])
        pcaps: dict[str, Path] = {}
        if have_tcpdump():
            for name, options in DUMPS.items():
                pcaps[name] = folder / f"{name}.pcap"
                stack.enter_context(tcpdump(pcaps[name], ports, *options))
        run_clients(v4, CLIENTS)
        _run_poc(v4)
        if v6 is not None:
            run_clients(v6, {k: CLIENTS[k] for k in ("socket", "http.client")})
        traffic = Traffic(v4, v6)
    traffic.pcaps = pcaps
    yield traffic
