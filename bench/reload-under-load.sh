#!/usr/bin/env bash
# Failed requests during HUP and during USR2 under wrk -c64 load (issue figures), and worker
# spawn-to-ready times read from the master's log. Not a test: it measures and prints.
#
#   bench/reload-under-load.sh [path/to/unicornet.dll] [app]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
U="${1:-$ROOT/src/Unicornet.Cli/bin/Release/net10.0/unicornet.dll}"
APP="${2:-$ROOT/examples/HelloApp/bin/Release/net10.0/HelloApp.dll:App}"
PORT=${PORT:-18777}
DIR=$(mktemp -d)
trap 'kill -9 $(cat "$DIR"/pids 2>/dev/null) 2>/dev/null || true; rm -rf "$DIR"' EXIT

start() {  # worker class
    dotnet "$U" -k "$1" -w 2 -b 127.0.0.1:$PORT --log-level info --no-control-socket --pid "$DIR/master.pid" "$APP" >"$DIR/log" 2>&1 &
    echo $! >>"$DIR/pids"
    for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && return 0; sleep 0.05; done
    echo "server did not start"; cat "$DIR/log"; exit 1
}

errors() {  # wrk output file -> failed request count (socket errors + non-2xx)
    awk '/Socket errors/ {gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i} /Non-2xx/ {s += $NF} END {print s + 0}' "$1"
}

echo "== HUP x2 under wrk -t1 -c64 -d10s (async, 2 workers)"
start async
MASTER=$(cat "$DIR/master.pid")
wrk -t1 -c64 -d10s "http://127.0.0.1:$PORT/" >"$DIR/wrk-hup" &
W=$!
sleep 3; kill -HUP "$MASTER"; sleep 3; kill -HUP "$MASTER"
wait $W
grep -E "Requests/sec|requests in" "$DIR/wrk-hup"
echo "failed requests during HUP: $(errors "$DIR/wrk-hup")"
kill -TERM "$MASTER"; sleep 2

echo "== USR2 then TERM of the old master under wrk -t1 -c64 -d10s"
start async
OLD=$(cat "$DIR/master.pid")
wrk -t1 -c64 -d10s "http://127.0.0.1:$PORT/" >"$DIR/wrk-usr2" &
W=$!
sleep 2; kill -USR2 "$OLD"
for _ in $(seq 1 100); do [ -f "$DIR/master.pid.2" ] && break; sleep 0.05; done
NEW=$(cat "$DIR/master.pid.2" 2>/dev/null || echo "")
sleep 3; kill -TERM "$OLD"
echo "$NEW" >>"$DIR/pids"
wait $W
grep -E "Requests/sec|requests in" "$DIR/wrk-usr2"
echo "failed requests during USR2: $(errors "$DIR/wrk-usr2")"
[ -n "$NEW" ] && kill -TERM "$NEW"; sleep 2

echo "== worker spawn-to-ready with a cached config (TTIN x10, sync)"
start sync
MASTER=$(cat "$DIR/master.pid")
for _ in $(seq 1 10); do kill -TTIN "$MASTER"; sleep 1.5; done
grep -oE "ready [0-9]+ ms after exec" "$DIR/log" | awk "{print \$2}" | sort -n | awk '{a[NR]=$1} END {if (NR) print "spawn-to-ready ms: n=" NR " median=" a[int((NR+1)/2)] " min=" a[1] " max=" a[NR]; else print "no ready lines in the log"}'
kill -TERM "$MASTER"
