# ruff: noqa: E501
"""The corpus as public plagiarism corpora have it: independent solutions share boilerplate.

Independent solutions of one assignment (or tools written for one job from the same internal
template, or by the same code assistant) share what the job or the template forces: the same
imports, the same `argparse` or option loop, the same logging set-up, the same file and HTTP
client calls, the same retry and report helpers. On public corpora copydetect's median score of
independent pairs is about 0.5 for that reason; on a corpus of bare cores it is 0.0, and no
disguise makes a copy rank below an independent.

Each program here is one author's rendering of the task's shared scaffold (option names, help
texts, logger names and a few helper shapes vary by author, as they do between people) around
that author's own core, from `programs_python`, `programs_java`, `toyflaw_python` and
`toyflaw_java`, with a short adapter the author wrote to plug the core in.
"""

from __future__ import annotations

import re

from corpus import programs_java, programs_python, toyflaw_java, toyflaw_python

# --- Python -----------------------------------------------------------------------------------

_PY_HEAD = """import argparse
import json
import logging
import sys
{extra_imports}
{logger} = logging.getLogger({logger_name!r})


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description={description!r})
{options}
    parser.add_argument("-v", "--verbose", action="store_true", help={verbose_help!r})
    return parser.parse_args(argv)


{setup_logging}"""

_PY_SETUP_LOGGING = (
    """def setup_logging(verbose):
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format={log_format!r},
    )
""",
    """def setup_logging(verbose):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter({log_format!r}))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
""",
)

_PY_FILE_OPTIONS = (
    '    parser.add_argument("input", help={input_help!r})\n'
    '    parser.add_argument("-o", "--output", default=None, help={output_help!r})\n'
    '    parser.add_argument("-n", "--limit", type=int, default={limit}, help={limit_help!r})'
)
_PY_PROBE_OPTIONS = (
    '    parser.add_argument("--host", default="127.0.0.1", help={host_help!r})\n'
    '    parser.add_argument("--port", type=int, default=8080, help={port_help!r})\n'
    '    parser.add_argument("--retries", type=int, default=3, help={retries_help!r})\n'
    '    parser.add_argument("--timeout", type=float, default=5.0, help={timeout_help!r})\n'
    '    parser.add_argument("--json", action="store_true", help={json_help!r})'
)

_PY_LOAD = (
    """

def load(path):
    with open(path, "rb") as handle:
        data = handle.read()
    {logger}.debug({read_message!r}, len(data), path)
    return data
""",
    """

def load(path):
    data = Path(path).read_bytes()
    {logger}.debug({read_message!r}, len(data), path)
    return data
""",
)
_PY_EMIT = (
    """

def emit(result, output):
    text = json.dumps(result, indent=2, sort_keys=True, default=str)
    if output is None:
        print(text)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\\n")
        {logger}.info({wrote_message!r}, output)
""",
    """

def emit(result, output):
    text = json.dumps(result, indent=2, sort_keys=True, default=str)
    if output is None:
        sys.stdout.write(text + "\\n")
        return
    Path(output).write_text(text + "\\n", encoding="utf-8")
    {logger}.info({wrote_message!r}, output)
""",
)
_PY_FILE_MAIN = (
    """

def main(argv=None):
    args = parse_args(argv)
    setup_logging(args.verbose)
    try:
        data = load(args.input)
        result = run(data, args.limit)
    except (OSError, ValueError) as error:
        {logger}.error({failed_message!r}, error)
        return 1
    emit(result, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
""",
    """

def main():
    args = parse_args()
    setup_logging(args.verbose)
    data = load(args.input)
    try:
        result = run(data, args.limit)
    except ValueError as error:
        {logger}.error({failed_message!r}, error)
        sys.exit(1)
    emit(result, args.output)


if __name__ == "__main__":
    main()
""",
)

_PY_PROBE_HELPERS = (
    """

def with_retries(action, retries, delay=0.5):
    last = None
    for attempt in range(1, retries + 1):
        try:
            return action()
        except OSError as error:
            last = error
            {logger}.warning({retry_message!r}, attempt, retries, error)
            time.sleep(delay * attempt)
    raise ConnectionError(f"gave up after {{retries}} attempts") from last


def report(token, as_json):
    verdict = {yes!r} if token else {no!r}
    if as_json:
        print(json.dumps({{"verdict": verdict, "token": token}}))
    else:
        print(f"{{verdict}}: {{token or '-'}}")
    return 0 if token else 2
""",
    """

def with_retries(action, retries, delay=0.5):
    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except OSError as error:
            if attempt >= retries:
                raise ConnectionError(f"gave up after {{retries}} attempts") from error
            {logger}.warning({retry_message!r}, attempt, retries, error)
            time.sleep(delay * attempt)


def report(token, as_json):
    verdict = {yes!r} if token else {no!r}
    if as_json:
        sys.stdout.write(json.dumps({{"verdict": verdict, "token": token}}) + "\\n")
    else:
        sys.stdout.write(f"{{verdict}}: {{token or '-'}}\\n")
    return 0 if token else 2
""",
)
_PY_PROBE_MAIN = """

def main(argv=None):
    args = parse_args(argv)
    setup_logging(args.verbose)
    try:
        token = with_retries(lambda: probe(args.host, args.port, args.timeout), args.retries)
    except ConnectionError as error:
        {logger}.error({failed_message!r}, error)
        return 1
    return report(token, args.json)


if __name__ == "__main__":
    sys.exit(main())
"""

_AUTHORS = (
    {
        "logger": "log",
        "verbose_help": "verbose logging",
        "log_format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        "input_help": "file to read",
        "output_help": "write the JSON result here",
        "limit_help": "how many results",
        "read_message": "read %d bytes from %s",
        "wrote_message": "wrote %s",
        "failed_message": "failed: %s",
        "retry_message": "attempt %d/%d failed: %s",
        "host_help": "target host",
        "port_help": "target port",
        "retries_help": "attempts before giving up",
        "timeout_help": "seconds per request",
        "json_help": "print JSON",
        "yes": "vulnerable",
        "no": "not vulnerable",
        "limit": 10,
    },
    {
        "logger": "LOG",
        "verbose_help": "print debug messages",
        "log_format": "%(levelname)s: %(message)s",
        "input_help": "input file",
        "output_help": "output file (default: stdout)",
        "limit_help": "maximum number of items",
        "read_message": "loaded %d bytes (%s)",
        "wrote_message": "result written to %s",
        "failed_message": "error: %s",
        "retry_message": "try %d of %d: %s",
        "host_help": "server address",
        "port_help": "server port",
        "retries_help": "number of tries",
        "timeout_help": "socket timeout",
        "json_help": "machine-readable output",
        "yes": "VULNERABLE",
        "no": "ok",
        "limit": 5,
    },
    {
        "logger": "logger",
        "verbose_help": "more output",
        "log_format": "[%(levelname)s] %(message)s",
        "input_help": "path of the data file",
        "output_help": "JSON output path",
        "limit_help": "top N",
        "read_message": "%d bytes read from %s",
        "wrote_message": "saved %s",
        "failed_message": "cannot process input: %s",
        "retry_message": "attempt %d (of %d) failed: %s",
        "host_help": "host to probe",
        "port_help": "port to probe",
        "retries_help": "retry count",
        "timeout_help": "timeout in seconds",
        "json_help": "emit JSON",
        "yes": "leak confirmed",
        "no": "no leak",
        "limit": 20,
    },
    {
        "logger": "logger",
        "verbose_help": "debug logging",
        "log_format": "%(asctime)s %(message)s",
        "input_help": "the input",
        "output_help": "where to write",
        "limit_help": "limit",
        "read_message": "input %d bytes, %s",
        "wrote_message": "output in %s",
        "failed_message": "giving up: %s",
        "retry_message": "retry %d/%d after %s",
        "host_help": "hostname",
        "port_help": "TCP port",
        "retries_help": "how many attempts",
        "timeout_help": "per-attempt timeout",
        "json_help": "JSON output",
        "yes": "vulnerable",
        "no": "patched",
        "limit": 10,
    },
)
"""What differs between authors: names and wording, never the shape the scaffold forces."""

_DESCRIPTIONS = {
    "wordfreq": (
        "most frequent words",
        "count words in a file",
        "word frequency report",
        "top words",
    ),
    "httpreq": (
        "parse a raw HTTP request",
        "dump an HTTP request as JSON",
        "HTTP request parser",
        "read a request",
    ),
    "rle": (
        "run-length encode a file",
        "RLE encoder",
        "compress runs of bytes",
        "run-length coding",
    ),
    "checksum": ("checksum of a file", "compute a file checksum", "file digest", "checksum tool"),
    "adler32": ("Adler-32 of a file", "compute Adler-32", "adler32 checksum", "Adler-32 tool"),
    "toyflaw": (
        "check the toy debug-token leak",
        "probe /api/status for the debug token",
        "toy flaw scanner",
        "debug token checker",
    ),
}

_PY_ADAPTERS: dict[str, tuple[str, ...]] = {
    "wordfreq": (
        'def run(data, limit):\n    text = data.decode("utf-8", "replace")\n    return [{"word": w, "count": c} for w, c in top_words(text, limit)]\n',
        'def run(data, limit):\n    return dict(top_words(data.decode("utf-8", "replace"), limit))\n',
        'def run(data, limit):\n    pairs = top_words(data.decode("utf-8", "replace"), limit)\n    return {"words": [p[0] for p in pairs], "counts": [p[1] for p in pairs]}\n',
    ),
    "httpreq": (
        'def run(data, limit):\n    request = parse_request(data)\n    request["headers"] = dict(list(request["headers"].items())[:limit])\n    return request\n',
        'def run(data, limit):\n    req = parse_request(data)\n    return {"method": req.method, "path": req.path, "headers": req.headers, "size": len(req.body)}\n',
        'def run(data, limit):\n    parsed = parse_request(data)\n    if parsed is None:\n        raise ValueError("not an HTTP request")\n    method, target, fields, body = parsed\n    return {"method": method, "target": target, "fields": len(fields), "body": len(body)}\n',
    ),
    "rle": (
        'def run(data, limit):\n    pairs = encode(data)\n    return {"runs": pairs[:limit], "ratio": ratio(data)}\n',
        'def run(data, limit):\n    encoded = encode(data.decode("latin-1"))\n    return {"encoded": encoded[: limit * 2], "length": len(encoded)}\n',
        'def run(data, limit):\n    runs = RunLength.of(data).runs\n    return {"runs": runs[:limit], "count": len(runs)}\n',
    ),
    "checksum": (
        'def run(data, limit):\n    return {"adler32": f"{adler32(data):08x}"}\n',
        'def run(data, limit):\n    return {"crc32": format(crc32(data), "08x"), "bytes": len(data)}\n',
        'def run(data, limit):\n    value = fletcher16(data)\n    return {"fletcher16": value, "hex": hex(value)}\n',
    ),
    "adler32": (
        'def run(data, limit):\n    return {"adler32": adler32(data)}\n',
        'def run(data, limit):\n    value = adler32(data)\n    return {"adler32": value, "hex": "%08x" % value}\n',
        'def run(data, limit):\n    return {"value": adler32(data), "chunks": len(data) // max(limit, 1)}\n',
    ),
}

_PY_PROBES = (
    """def probe(host, port, timeout):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.request("GET", PATH, headers={"X-Debug": "1", "User-Agent": "probe"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        return None
    return json.loads(body).get("debug_token")
""",
    """def probe(host, port, timeout):
    request = (
        "GET /api/status HTTP/1.1\\r\\n"
        f"Host: {host}\\r\\n"
        "X-Debug: 1\\r\\n"
        "Connection: close\\r\\n\\r\\n"
    )
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request.encode())
        chunks = []
        while True:
            data = sock.recv(4096)
            if not data:
                break
            chunks.append(data)
    head, _, body = b"".join(chunks).partition(b"\\r\\n\\r\\n")
    code = int(head.split(b" ")[1])
    if code != 200:
        return None
    return json.loads(body.decode()).get("debug_token")
""",
    """class Probe:
    def __init__(self, host, port, timeout):
        self.url = f"http://{host}:{port}/api/status"
        self.timeout = timeout

    def request(self):
        req = urllib.request.Request(self.url, headers={"X-Debug": "1"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            return resp.status, json.load(resp)

    def token(self):
        status, doc = self.request()
        if status == 200 and "debug_token" in doc:
            return doc["debug_token"]
        return None


def probe(host, port, timeout):
    return Probe(host, port, timeout).token()
""",
    """def probe(host, port, timeout):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/api/status", headers={"X-Debug": "1"})
        resp = conn.getresponse()
        if resp.status != 200:
            logging.info("status %s", resp.status)
            return None
        payload = json.loads(resp.read().decode("utf-8"))
        return payload.get("debug_token")
    finally:
        conn.close()
""",
)
_PY_PROBE_IMPORTS = (
    'import http.client\nimport time\n\nPATH = "/api/status"\n',
    "import socket\nimport time\n",
    "import time\nimport urllib.request\n",
    "import http.client\nimport time\n",
)

_IMPORT = re.compile(r"^(?:import \S+|from \S+ import .+)$")


def _split_imports(source: str) -> tuple[list[str], str]:
    """A core's top-level import lines, and the rest of it."""
    lines = source.splitlines()
    imports = [line for line in lines if _IMPORT.match(line)]
    rest = "\n".join(line for line in lines if not _IMPORT.match(line)).strip("\n")
    return imports, rest + "\n"


def python_program(task: str, author: int, core: str) -> str:
    """One author's program for `task`: the shared scaffold around the author's core."""
    words = _AUTHORS[author]
    probe = task == "toyflaw"
    if probe:
        imports, body = [], _PY_PROBES[author]
        extra = _PY_PROBE_IMPORTS[author]
    else:
        imports, body = _split_imports(core)
        body += "\n\n" + _PY_ADAPTERS[task][author]
        uses_path = author % 2 == 1 or (author // 2) % 2 == 1
        extra = "\n".join(sorted({*imports, *(["from pathlib import Path"] if uses_path else [])}))
        extra += "\n" if extra else ""
    options = (_PY_PROBE_OPTIONS if probe else _PY_FILE_OPTIONS).format(**words)
    head = _PY_HEAD.format(
        extra_imports=extra,
        logger_name=task if author % 2 else "__main__",
        description=_DESCRIPTIONS[task][author],
        options=options,
        setup_logging=_PY_SETUP_LOGGING[(author // 2) % 2].format(**words),
        **words,
    )
    if probe:
        helpers = _PY_PROBE_HELPERS[author % 2].format(**words)
        return head + helpers + "\n\n" + body + _PY_PROBE_MAIN.format(**words)
    load = _PY_LOAD[author % 2].format(**words)
    emit = _PY_EMIT[(author // 2) % 2].format(**words)
    return head + load + emit + "\n\n" + body + _PY_FILE_MAIN[author % 2].format(**words)


PYTHON_TASKS: dict[str, list[str]] = {
    task: [python_program(task, i, core) for i, core in enumerate(cores)]
    for task, cores in {**programs_python.TASKS, "toyflaw": toyflaw_python.CLIENTS}.items()
}
"""Every Python task's independent programs, scaffolded."""

# --- Java -------------------------------------------------------------------------------------

_JAVA_HEAD = """import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
{imports}
public class Main {{
    private static final Logger LOG = Logger.getLogger("{logger}");

    static Map<String, String> parseArgs(String[] args) {{
        Map<String, String> options = new HashMap<>();
{defaults}
{parse_loop}
        return options;
    }}
"""
_JAVA_PARSE_LOOPS = (
    """        for (int i = 0; i < args.length; i++) {{
            if (args[i].startsWith("--") && i + 1 < args.length) {{
                options.put(args[i].substring(2), args[i + 1]);
                i++;
            }} else {{
                options.put("{positional}", args[i]);
            }}
        }}""",
    """        String pending = null;
        for (String arg : args) {{
            if (pending != null) {{
                options.put(pending, arg);
                pending = null;
            }} else if (arg.startsWith("--")) {{
                pending = arg.substring(2);
            }} else {{
                options.put("{positional}", arg);
            }}
        }}""",
)
_JAVA_FILE = (
    """
    static byte[] load(String path) throws IOException {{
        byte[] data = Files.readAllBytes(Paths.get(path));
        LOG.fine("{read}" + data.length + " bytes from " + path);
        return data;
    }}

    static void emit(String result, String output) throws IOException {{
        if (output == null) {{
            System.out.println(result);
        }} else {{
            Files.write(Paths.get(output), (result + "\\n").getBytes(StandardCharsets.UTF_8));
            LOG.info("{wrote}" + output);
        }}
    }}
""",
    """
    static byte[] load(String path) throws IOException {{
        LOG.fine("{read}" + path);
        return Files.readAllBytes(Paths.get(path));
    }}

    static void emit(String result, String output) throws IOException {{
        if (output != null) {{
            Files.writeString(Paths.get(output), result + "\\n", StandardCharsets.UTF_8);
            LOG.info("{wrote}" + output);
            return;
        }}
        System.out.println(result);
    }}
""",
)
_JAVA_FILE_MAIN = """
    public static void main(String[] args) {{
        Map<String, String> options = parseArgs(args);
        if (!options.containsKey("{positional}")) {{
            System.err.println("{usage}");
            System.exit(2);
        }}
        try {{
            byte[] data = load(options.get("{positional}"));
            String result = run(data, Integer.parseInt(options.get("limit")));
            emit(result, options.get("output"));
        }} catch (IOException | RuntimeException e) {{
            LOG.log(Level.SEVERE, "{failed}", e);
            System.exit(1);
        }}
    }}
}}
"""
_JAVA_PROBE_MAIN = """
    static String withRetries(String host, int port, int timeout, int retries) throws IOException {{
        IOException last = null;
        for (int attempt = 1; attempt <= retries; attempt++) {{
            try {{
                return probe(host, port, timeout);
            }} catch (IOException e) {{
                last = e;
                LOG.warning("{retry}" + attempt + "/" + retries + ": " + e.getMessage());
            }}
        }}
        throw new IOException("gave up after " + retries + " attempts", last);
    }}

    public static void main(String[] args) {{
        Map<String, String> options = parseArgs(args);
        try {{
            String token = withRetries(options.get("host"), Integer.parseInt(options.get("port")),
                Integer.parseInt(options.get("timeout")), Integer.parseInt(options.get("retries")));
            System.out.println(token != null ? "{yes}: " + token : "{no}");
            System.exit(token != null ? 0 : 2);
        }} catch (IOException | RuntimeException e) {{
            LOG.log(Level.SEVERE, "{failed}", e);
            System.exit(1);
        }}
    }}
}}
"""
_JAVA_WORDS = (
    {
        "read": "read ",
        "wrote": "wrote ",
        "failed": "failed",
        "usage": "usage: Main [--limit N] [--output FILE] INPUT",
        "positional": "input",
        "retry": "attempt ",
        "yes": "vulnerable",
        "no": "not vulnerable",
    },
    {
        "read": "loading ",
        "wrote": "result in ",
        "failed": "error",
        "usage": "missing input file",
        "positional": "file",
        "retry": "try ",
        "yes": "LEAK",
        "no": "ok",
    },
    {
        "read": "input: ",
        "wrote": "saved to ",
        "failed": "cannot process",
        "usage": "give an input path",
        "positional": "path",
        "retry": "failed attempt ",
        "yes": "leaked",
        "no": "no leak",
    },
)
_JAVA_ADAPTERS: dict[str, tuple[str, ...]] = {
    "wordfreq": (
        'return String.join("\\n", WordFreq.top(new String(data, StandardCharsets.UTF_8), limit));',
        'return String.join(",", Counter.top(new String(data, StandardCharsets.UTF_8), limit));',
        'String best = Freq.mostFrequent(new String(data, StandardCharsets.UTF_8));\n        return best == null ? "" : best;',
    ),
    "rle": (
        "String encoded = Rle.encode(new String(data, StandardCharsets.ISO_8859_1));\n        return encoded.substring(0, Math.min(encoded.length(), limit * 2));",
        'return "runs=" + Runs.compress(data).size();',
        'byte[] packed = PackBits.pack(data);\n        return packed.length + " bytes";',
    ),
    "search": (
        "int[] keys = new int[data.length];\n        for (int i = 0; i < data.length; i++) keys[i] = data[i] & 0xff;\n        java.util.Arrays.sort(keys);\n        return String.valueOf(Search.find(keys, limit));",
        "int[] keys = new int[data.length];\n        for (int i = 0; i < data.length; i++) keys[i] = data[i];\n        java.util.Arrays.sort(keys);\n        return Integer.toString(Finder.indexOf(keys, limit));",
        'int[] values = new int[data.length];\n        for (int i = 0; i < values.length; i++) values[i] = data[i] & 0xff;\n        Lookup lookup = new Lookup(values);\n        return lookup.rank(limit) + " " + lookup.has(limit);',
    ),
}
_JAVA_PROBES = (
    "String body = Probe.fetch();\n        return body == null ? null : Probe.token(body);",
    "return new TokenCheck(1).leaked();",
    'String reply = RawProbe.exchange();\n        if (!reply.startsWith("HTTP/1.1 200")) return null;\n        int key = reply.indexOf("debug_token");\n        return key < 0 ? null : reply.substring(key);',
)
_JAVA_IMPORT = re.compile(r"^import [\w.*]+;$")


def java_program(task: str, author: int, core: str) -> str:
    """One author's `Main.java` for `task`: the shared scaffold, the author's adapter, the core's
    classes after it (package-private, so that one file holds them)."""
    words = _JAVA_WORDS[author]
    lines = core.splitlines()
    imports = "\n".join(line for line in lines if _JAVA_IMPORT.match(line))
    rest = "\n".join(line for line in lines if not _JAVA_IMPORT.match(line)).strip("\n")
    rest = re.sub(r"^public (final )?class ", r"\1class ", rest, flags=re.M)
    rest = rest.replace("private static String exchange", "static String exchange")
    probe = task == "toyflaw"
    if probe:
        defaults = '        options.put("host", "127.0.0.1");\n        options.put("port", "8080");\n        options.put("retries", "3");\n        options.put("timeout", "5000");'
    else:
        defaults = '        options.put("limit", "10");'
    head = _JAVA_HEAD.format(
        imports=imports + ("\n" if imports else ""),
        logger=task if author % 2 else "main",
        defaults=defaults,
        positional=words["positional"],
        parse_loop=_JAVA_PARSE_LOOPS[author % 2].format(positional=words["positional"]),
    )
    if probe:
        body = _JAVA_PROBES[author]
        if "TokenCheck" in body:  # `java.net.http` may be interrupted
            body = (
                "try {\n            " + body + "\n        } catch (InterruptedException e) {\n"
                "            Thread.currentThread().interrupt();\n            throw new IOException(e);\n        }"
            )
        adapter = (
            "\n    static String probe(String host, int port, int timeout) throws IOException {\n"
            "        " + body + "\n    }\n"
        )
        tail = _JAVA_PROBE_MAIN.format(**words)
    else:
        adapter = (
            "\n    static String run(byte[] data, int limit) {\n        "
            + _JAVA_ADAPTERS[task][author]
            + "\n    }\n"
        )
        tail = _JAVA_FILE[author % 2].format(**words) + _JAVA_FILE_MAIN.format(**words)
    return head + adapter + tail + "\n" + rest + "\n"


JAVA_TASKS: dict[str, list[str]] = {
    task: [java_program(task, i, core) for i, core in enumerate(cores)]
    for task, cores in {**programs_java.TASKS, "toyflaw": toyflaw_java.CLIENTS}.items()
}
"""Every Java task's independent programs, scaffolded."""

HELD_OUT = {"python": "checksum", "java": "search"}
"""One task per language that forewarn's similarity was never tuned on (bench reports it apart)."""
