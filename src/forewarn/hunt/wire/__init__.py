"""Captured traffic read as evidence: the HTTP requests in a capture, as `HttpRequest`s.

```python
from forewarn.hunt.wire import read_requests

reading = read_requests(Path("leak.pcap").read_bytes(), "leak.pcap")
for request in reading.requests:      # in capture order
    print(request.method, request.path, request.headers, request.shows)
for note in reading.notes:            # what was not read, and why
    print(note)
```

Formats, detected by content (`detect`): raw HTTP dumps, pcap and pcapng (TCP reassembled),
HAR 1.2, Suricata `eve.json`, Zeek `http.log` (TSV or JSON), W3C/IIS and Apache/nginx logs.
Each request says in `shows` which `WireFeature`s its format can show; the others read as
erased. A pure library: nothing is executed, nothing touches the disk or the network, and every
size is bounded by `forewarn.hunt.Limits`.
"""

from forewarn.errors import WireReadError
from forewarn.hunt.wire.detect import READERS, SNIFF_BYTES, WEBLOG_FORMATS, detect, read_requests
from forewarn.hunt.wire.interface import (
    RequestFilter,
    RouteKeyed,
    WireNote,
    WireReader,
    WireReading,
)

__all__ = [
    "READERS",
    "RequestFilter",
    "RouteKeyed",
    "SNIFF_BYTES",
    "WEBLOG_FORMATS",
    "WireNote",
    "WireReadError",
    "WireReader",
    "WireReading",
    "detect",
    "read_requests",
]
