# ruff: noqa: E501
"""Independently written Java clients of the same toy flaw as `toyflaw_python` (same server,
path, header and JSON field; `HttpURLConnection`, `java.net.http` or a raw socket)."""

CLIENTS = [
    """import java.io.*;
import java.net.*;

public class Probe {
    static final String URL = "http://127.0.0.1:8080/api/status";

    static String fetch() throws IOException {
        HttpURLConnection conn = (HttpURLConnection) new URL(URL).openConnection();
        conn.setRequestProperty("X-Debug", "1");
        conn.setConnectTimeout(5000);
        if (conn.getResponseCode() != 200) {
            return null;
        }
        StringBuilder body = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(conn.getInputStream()))) {
            String line;
            while ((line = in.readLine()) != null) {
                body.append(line);
            }
        }
        return body.toString();
    }

    static String token(String json) {
        int at = json.indexOf("\\"debug_token\\"");
        if (at < 0) return null;
        int start = json.indexOf('"', json.indexOf(':', at)) + 1;
        return json.substring(start, json.indexOf('"', start));
    }

    public static void main(String[] args) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                String body = fetch();
                System.out.println(body == null ? "patched" : "leaked " + token(body));
                return;
            } catch (ConnectException e) {
                System.err.println("attempt " + attempt + " failed");
            }
        }
    }
}
""",
    """import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class TokenCheck {
    private static final Pattern TOKEN = Pattern.compile("\\"debug_token\\"\\\\s*:\\\\s*\\"([^\\"]*)\\"");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int retries;

    TokenCheck(int retries) {
        this.retries = retries;
    }

    String leaked() throws InterruptedException {
        int tries = 0;
        while (tries < retries) {
            tries++;
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/api/status"))
                    .header("X-Debug", "1").GET().build();
                HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 200) {
                    Matcher m = TOKEN.matcher(resp.body());
                    return m.find() ? m.group(1) : null;
                }
                return null;
            } catch (java.io.IOException e) {
                System.err.println("retrying: " + e.getMessage());
            }
        }
        return null;
    }

    public static void main(String[] args) throws Exception {
        String token = new TokenCheck(3).leaked();
        System.out.println(token != null ? "vulnerable: " + token : "not vulnerable");
    }
}
""",
    """import java.io.*;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

public class RawProbe {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 8080;

    private static String exchange() throws IOException {
        try (Socket sock = new Socket(HOST, PORT)) {
            sock.setSoTimeout(5000);
            OutputStream out = sock.getOutputStream();
            String req = "GET /api/status HTTP/1.1\\r\\nHost: " + HOST + "\\r\\nX-Debug: 1\\r\\nConnection: close\\r\\n\\r\\n";
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = sock.getInputStream().read(chunk)) > 0) {
                buf.write(chunk, 0, n);
            }
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) {
        String reply = null;
        int left = 3;
        while (reply == null && left > 0) {
            left--;
            try {
                reply = exchange();
            } catch (IOException e) {
                System.err.println("no answer: " + e);
            }
        }
        if (reply == null || !reply.startsWith("HTTP/1.1 200")) {
            System.out.println("no leak");
            return;
        }
        String body = reply.substring(reply.indexOf("\\r\\n\\r\\n") + 4);
        int key = body.indexOf("debug_token");
        System.out.println(key >= 0 ? "leak: " + body.substring(key) : "no token");
    }
}
""",
]
