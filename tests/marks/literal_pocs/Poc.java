// Benign PoC fixture: asks a toy server on 127.0.0.1 for a session id, then stores a note.
// Usage: java Poc.java --host 127.0.0.1 --port 8080
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

public class Poc {
    static String send(String base, String method, String path, String body) throws Exception {
        HttpURLConnection conn = (HttpURLConnection) new URL(base + path).openConnection();
        conn.setRequestMethod(method);
        conn.setRequestProperty("User-Agent", "PocJava/1.8.2291 (toy)");
        conn.setRequestProperty("X-Java-Trace", "jtrace-31187");
        if (body != null) {
            conn.setDoOutput(true);
            conn.setRequestProperty("Content-Type", "text/plain");
            try (OutputStream out = conn.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        try (InputStream in = conn.getInputStream()) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            in.transferTo(data);
            return data.toString(StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        String port = "8080";
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--host")) host = args[i + 1];
            if (args[i].equals("--port")) port = args[i + 1];
        }
        String base = "http://" + host + ":" + port;
        String sid = send(base, "GET", "/owa/auth/jprobe_4410.ecp?build=15031", null);
        send(base, "POST", "/notes/" + sid + "/java_72254.txt", "probe " + sid);
        System.out.println("done " + sid);
    }
}
