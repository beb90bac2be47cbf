#!/usr/bin/env bash
# Item lister as a shell script (curl).
set -euo pipefail
HOST="${1:-127.0.0.1}"
PORT="${2:-8080}"
BASE="http://${HOST}:${PORT}"
UA='Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15'
for n in 1 2 3 4; do
  curl -s -o /dev/null -w '%{http_code}\n' \
    -H "User-Agent: ${UA}" \
    -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
    -H 'X-Account: acct-lab' \
    -H 'X-Client: probe-lab' \
    -b 'session=s-lab; theme=t-light' \
    "${BASE}/api/v1/items?owner=lab&page=${n}"
done
curl -s -o /dev/null -w '%{http_code}\n' -X POST \
  -H "User-Agent: ${UA}" \
  -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
  -H 'X-Account: acct-lab' \
  -H 'X-Client: probe-lab' \
  -H 'Content-Type: application/json' \
  -b 'session=s-lab; theme=t-light' \
  --data '{"title": "note 3", "id": "3", "owner": "lab"}' \
  "${BASE}/api/v1/items/rename"
