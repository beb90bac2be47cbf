"""Which capture format an item is, by its content, and reading it into requests.

Content decides: magic numbers for pcap and pcapng, the shape of the first lines for the text
formats, tried in an order where no earlier sniff can take a later format's file (a HAR is one
JSON object, Suricata and Zeek JSON are objects per line with their own keys; W3C and Zeek TSV
declare their fields; a scanner template declares its `id:` and lists `raw:` requests; a raw
dump starts with a request line). Only when no content matches does
the file name count (`.pcap`, `.pcapng`, `.cap`, `.har`), so that a damaged capture still reads
as that capture, with a note, rather than as text.
"""

from __future__ import annotations

import logging

from forewarn.errors import WireReadError
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.apache import ApacheReader
from forewarn.hunt.wire.har import HarReader
from forewarn.hunt.wire.http import RawHttpReader
from forewarn.hunt.wire.interface import NoteBook, RequestFilter, WireReader, WireReading
from forewarn.hunt.wire.nuclei import NucleiReader
from forewarn.hunt.wire.pcap import PcapngReader, PcapReader
from forewarn.hunt.wire.suricata import SuricataReader
from forewarn.hunt.wire.w3c import W3cReader
from forewarn.hunt.wire.zeek import ZeekReader

logger = logging.getLogger(__name__)

SNIFF_BYTES = 64 * 1024
"""How much of an item the sniffs look at."""

READERS: tuple[WireReader, ...] = (
    PcapReader(),
    PcapngReader(),
    HarReader(),
    SuricataReader(),
    ZeekReader(),
    W3cReader(),
    ApacheReader(),
    NucleiReader(),
    RawHttpReader(),
)
"""Every format, in the order their sniffs are tried."""

_BY_NAME = {reader.name: reader for reader in READERS}
_EXTENSIONS = {".pcap": "pcap", ".cap": "pcap", ".pcapng": "pcapng", ".har": "har"}

WEBLOG_FORMATS = frozenset({"w3c", "apache"})
"""Formats the hunt also reads as web logs (`ItemKind.WEBLOG`)."""


def detect(head: bytes, name: str | None = None) -> str | None:
    """The capture format of an item from its first bytes (and, failing that, its name), or
    `None` when it is no capture of traffic."""
    head = head[:SNIFF_BYTES]
    for reader in READERS:
        if reader.sniff(head):
            return reader.name
    if name:
        lowered = name.lower()
        dot = lowered.rfind(".")
        if dot > max(lowered.rfind("/"), lowered.rfind("!")):
            return _EXTENSIONS.get(lowered[dot:])
    return None


def read_requests(
    data: bytes,
    name: str | None = None,
    *,
    limits: Limits | None = None,
    keep: RequestFilter | None = None,
) -> WireReading:
    """The HTTP requests captured in `data`, in order, with notes on what could not be read.

    `name` (a file name) only helps when the content is not recognised. Never raises for bad
    input: a capture that cannot be read at all gives a reading with its format and one note;
    data that is no capture gives `WireReading(None)`. With `keep`, only the requests it
    accepts are kept and counted against `limits.max_requests`.
    """
    limits = limits or Limits()
    found = detect(data[:SNIFF_BYTES], name)
    if found is None:
        return WireReading(None)
    notes = NoteBook()
    if len(data) > limits.max_capture_bytes:
        notes.add("", f"capture over {limits.max_capture_bytes} B; only its start is read")
        data = data[: limits.max_capture_bytes]
    reader = _BY_NAME[found]
    try:
        requests = reader.read(data, limits, notes, keep)
    except WireReadError as exc:
        notes.add("", exc.message)
        requests = []
    except Exception as exc:  # the last guard: bad input never gives a traceback
        logger.debug("%s reader failed: %s", found, type(exc).__name__)
        notes.add("", f"unreadable {found} capture ({type(exc).__name__})")
        requests = []
    return WireReading(found, tuple(requests), notes.done())
