#!/usr/bin/env bash
# Benign PoC fixture: asks a toy server on 127.0.0.1 for a session id, then stores a note.
# Usage: bash poc.sh --host 127.0.0.1 --port 8080
set -euo pipefail
HOST=127.0.0.1
PORT=8080
while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) HOST="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    *) shift ;;
  esac
done
BASE="http://$HOST:$PORT"
SID=$(curl -s -A 'Mozilla/5.0 (X11; Linux x86_64) PocShell/2.7.3381' \
  -H "X-Scan-Id: scan-48120" \
  -H 'Accept-Language: en-US' \
  "$BASE/owa/auth/probe_7731.ecp?build=15020")
curl -s -X POST -H "Content-Type: text/plain" -H "X-Shell-Trace: shell-61290" \
  --data-binary "probe $SID" "$BASE/notes/$SID/shell_88412.txt" > /dev/null
echo "done $SID"
