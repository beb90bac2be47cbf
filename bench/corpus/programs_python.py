"""Independent Python implementations of the same tasks (three per task, written apart)."""

WORDFREQ = [
    """import re
from collections import Counter


def tokenize(text):
    # lower-case words only
    return re.findall(r"[a-z']+", text.lower())


def top_words(text, n=10):
    counts = Counter(tokenize(text))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:n]


def report(text, n=5):
    lines = []
    for word, count in top_words(text, n):
        lines.append(f"{word:>12} {count:5d}")
    return "\\n".join(lines)
""",
    """def top_words(text, n=10):
    freq = {}
    word = ""
    for ch in text + " ":
        if ch.isalpha():
            word += ch.lower()
        elif word:
            freq[word] = freq.get(word, 0) + 1
            word = ""
    best = []
    while freq and len(best) < n:
        key = max(freq, key=lambda w: (freq[w], -ord(w[0])))
        best.append((key, freq.pop(key)))
    return best


def report(text, n=5):
    return "\\n".join("%s=%d" % pair for pair in top_words(text, n))
""",
    """import heapq
import string


class WordCounter:
    def __init__(self):
        self.table = {}

    def feed(self, text):
        cleaned = text.translate(str.maketrans("", "", string.punctuation)).lower()
        for token in cleaned.split():
            self.table[token] = self.table.get(token, 0) + 1
        return self

    def most_common(self, n):
        return heapq.nlargest(n, self.table.items(), key=lambda item: item[1])


def top_words(text, n=10):
    return WordCounter().feed(text).most_common(n)
""",
]

HTTPREQ = [
    """def parse_request(raw):
    head, _, body = raw.partition(b"\\r\\n\\r\\n")
    lines = head.decode("latin-1").split("\\r\\n")
    method, target, version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length != len(body):
        raise ValueError("body length mismatch")
    return {"method": method, "target": target, "version": version,
            "headers": headers, "body": body}


def build_request(method, target, headers, body=b""):
    lines = [f"{method} {target} HTTP/1.1"]
    for name, value in headers.items():
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\\r\\n".join(lines) + "\\r\\n\\r\\n").encode() + body
""",
    """import io


class Request:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


def parse_request(raw):
    stream = io.BytesIO(raw)
    first = stream.readline().rstrip(b"\\r\\n").split()
    headers = []
    while True:
        line = stream.readline()
        if line in (b"\\r\\n", b"\\n", b""):
            break
        key, value = line.split(b":", 1)
        headers.append((key.decode().title(), value.decode().strip()))
    body = stream.read()
    return Request(first[0].decode(), first[1].decode(), dict(headers), body)
""",
    """import re

REQUEST_LINE = re.compile(rb"^(GET|POST|PUT|DELETE|HEAD) (\\S+) HTTP/(\\d\\.\\d)$")


def parse_request(raw):
    sep = raw.find(b"\\r\\n\\r\\n")
    if sep < 0:
        return None
    lines = raw[:sep].split(b"\\r\\n")
    match = REQUEST_LINE.match(lines[0])
    if match is None:
        return None
    fields = dict(re.findall(rb"^([\\w-]+):\\s*(.*)$", b"\\n".join(lines[1:]), re.M))
    return match.group(1), match.group(2), fields, raw[sep + 4:]
""",
]

RLE = [
    """def encode(data):
    out = []
    i = 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i] and j - i < 255:
            j += 1
        out.append((j - i, data[i]))
        i = j
    return out


def decode(pairs):
    result = bytearray()
    for count, value in pairs:
        result.extend([value] * count)
    return bytes(result)


def ratio(data):
    if not data:
        return 1.0
    return len(encode(data)) * 2 / len(data)
""",
    """from itertools import groupby


def encode(text):
    return "".join(f"{len(list(group))}{char}" for char, group in groupby(text))


def decode(encoded):
    out, digits = [], ""
    for ch in encoded:
        if ch.isdigit():
            digits += ch
        else:
            out.append(ch * int(digits))
            digits = ""
    return "".join(out)
""",
    """class RunLength:
    def __init__(self):
        self.runs = []

    def push(self, symbol):
        if self.runs and self.runs[-1][0] == symbol:
            self.runs[-1][1] += 1
        else:
            self.runs.append([symbol, 1])

    @classmethod
    def of(cls, seq):
        rl = cls()
        for s in seq:
            rl.push(s)
        return rl

    def expand(self):
        return [s for s, n in self.runs for _ in range(n)]
""",
]

CHECKSUM = [
    """def adler32(data):
    a, b = 1, 0
    for byte in data:
        a = (a + byte) % 65521
        b = (b + a) % 65521
    return (b << 16) | a


def verify(data, expected):
    actual = adler32(data)
    if actual != expected:
        raise ValueError(f"checksum {actual:08x} != {expected:08x}")
    return True
""",
    """TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
    TABLE.append(c)


def crc32(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF
""",
    """import functools


def fletcher16(buf):
    def step(state, byte):
        lo, hi = state
        lo = (lo + byte) % 255
        return lo, (hi + lo) % 255

    lo, hi = functools.reduce(step, buf, (0, 0))
    return hi << 8 | lo


def matches(buf, value):
    return fletcher16(buf) == value
""",
]

TASKS = {"wordfreq": WORDFREQ, "httpreq": HTTPREQ, "rle": RLE, "checksum": CHECKSUM}

ADLER32 = [
    """MOD = 65521


def adler32(data):
    a, b = 1, 0
    for byte in data:
        a = (a + byte) % MOD
        b = (b + a) % MOD
    return (b << 16) | a
""",
    """def adler32(buf, value=1):
    low = value & 0xFFFF
    high = (value >> 16) & 0xFFFF
    i = 0
    while i < len(buf):
        low += buf[i]
        high += low
        if i % 5552 == 5551:
            low %= 65521
            high %= 65521
        i += 1
    return ((high % 65521) << 16) | (low % 65521)
""",
    """import functools


def adler32(data):
    def fold(acc, byte):
        s1 = (acc[0] + byte) % 65521
        return s1, (acc[1] + s1) % 65521

    s1, s2 = functools.reduce(fold, data, (1, 0))
    return s2 * 65536 + s1


def check(data, expected):
    return adler32(data) == expected
""",
]

TASKS["adler32"] = ADLER32
