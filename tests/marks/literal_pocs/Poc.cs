// Benign PoC fixture: asks a toy server on 127.0.0.1 for a session id, then stores a note.
using System;
using System.Net.Http;
using System.Threading.Tasks;

class Poc
{
    static async Task Main(string[] args)
    {
        var port = args.Length > 0 ? args[0] : "8080";
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("X-Cs-Trace", "cstrace-11859");
        client.DefaultRequestHeaders.Add("User-Agent", "PocCs/6.0.5512");
        var sid = await client.GetStringAsync($"http://127.0.0.1:{port}/owa/auth/csprobe_3307.ecp?build=15063");
        var body = new StringContent($"probe {sid}");
        await client.PostAsync($"http://127.0.0.1:{port}/notes/{sid}/cs_64490.txt", body);
        Console.WriteLine($"done {sid}");
    }
}
