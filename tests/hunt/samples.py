"""Small benign look-alike PoCs shared by the hunt tests (they talk only to 127.0.0.1)."""

POC = '''"""Benign look-alike PoC for FW-2021-0001 (talks to the local toy server only)."""
import socket

HOST = "127.0.0.1"
PORT = 8080


def build_request(path, marker):
    headers = ["Host: localhost", "User-Agent: forewarn-poc", "X-Probe: " + marker]
    lines = ["GET " + path + " HTTP/1.1"] + headers
    return ("\\r\\n".join(lines) + "\\r\\n\\r\\n").encode()


def read_status(sock):
    data = b""
    while b"\\r\\n" not in data:
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ")[1]) if data else 0


def probe(path, marker, retries=3):
    for attempt in range(retries):
        with socket.create_connection((HOST, PORT), timeout=2) as sock:
            sock.sendall(build_request(path, marker))
            status = read_status(sock)
            if status == 200:
                return attempt
    return -1
'''

# Renamed, reformatted, comments gone, functions reordered, dead code added.
DISGUISED = """import socket
H = '127.0.0.1'
P = 8080
def get_code(s):
    unused_counter = 0
    buf = b''
    while b'\\r\\n' not in buf:
        part = s.recv(1024)
        if not part:
            break
        buf += part
    return int(buf.split(b' ')[1]) if buf else 0
def go(u, m, n=3):
    for i in range(n):
        with socket.create_connection((H, P), timeout=2) as s:
            s.sendall(make(u, m))
            code = get_code(s)
            if code == 200:
                return i
    return -1
def make(u, m):
    hs = ['Host: localhost', 'User-Agent: forewarn-poc', 'X-Probe: ' + m]
    ls = ['GET ' + u + ' HTTP/1.1'] + hs
    return ('\\r\\n'.join(ls) + '\\r\\n\\r\\n').encode()
"""

# Independent code for the same job: different structure, library and flow.
INDEPENDENT = """import http.client


class Checker:
    def __init__(self, target="127.0.0.1", port=8080):
        self.conn = http.client.HTTPConnection(target, port, timeout=2)

    def check(self, url, tag):
        self.conn.request("GET", url, headers={"X-Probe": tag})
        reply = self.conn.getresponse()
        reply.read()
        return reply.status == 200


if __name__ == "__main__":
    print(Checker().check("/", "t"))
"""

JAVA = """public class Probe {
    static String build(String path, String marker) {
        StringBuilder sb = new StringBuilder();
        sb.append("GET ").append(path).append(" HTTP/1.1\\r\\n");
        sb.append("X-Probe: ").append(marker).append("\\r\\n\\r\\n");
        return sb.toString();
    }

    static int count(int[] values, int limit) {
        int total = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] > limit) {
                total += values[i];
            }
        }
        return total;
    }
}
"""

JAVA_DISGUISED = """public class Q
{
    static int c(int[] v, int l)
    {
        int t = 0; int dead = 7;
        for (int k = 0; k < v.length; k++) { if (v[k] > l) { t += v[k]; } }
        return t;
    }
    static String b(String p, String m)
    {
        StringBuilder x = new StringBuilder();
        x.append("GET ").append(p).append(" HTTP/1.1\\r\\n");
        x.append("X-Probe: ").append(m).append("\\r\\n\\r\\n");
        return x.toString();
    }
}
"""
