#!/usr/bin/env bash
# Per-worker connection split under keep-alive load: for each worker class and each wrk concurrency, starts
# the server (2 workers, hello app), warms up, runs `wrk -t1 -cN` and samples which worker holds each
# established connection (bench/lib/conn_split.py, from `ss -tnp`). Also records wrk's req/s and p99.
#
#   bench/split.sh [OUT.jsonl]                     # async gthread kestrel, c8 c64 c256
#   CLASSES="async" CONCS="64" REPS=3 bench/split.sh
#   UNICORNET_BIN=/path/to/other/unicornet bench/split.sh out/before.jsonl   # another build, same scenarios
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || true)}"
[[ -f "$SHARED/lib/report.lua" ]] || { echo "shared/bench not found beside the repository (set SHARED_BENCH)" >&2; exit 1; }
OUT="${1:-$HERE/out/split-$(date +%Y%m%d-%H%M%S).jsonl}"
mkdir -p "$(dirname "$OUT")"
U="${UNICORNET_BIN:-$ROOT/artifacts/publish/unicornet/unicornet}"
[[ -x "$U" ]] || dotnet publish "$ROOT/src/Unicornet.Cli/Unicornet.Cli.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$ROOT/artifacts/publish/unicornet" -nologo -v q
HELLO="$ROOT/examples/HelloApp/bin/Release/net10.0/HelloApp.dll"
[[ -f "$HELLO" ]] || dotnet build "$ROOT/examples/HelloApp/HelloApp.csproj" -c Release -nologo -v q
PORT="${PORT:-18190}" DUR="${DUR:-10}" REPS="${REPS:-1}" WORKERS="${WORKERS:-2}"
CLASSES="${CLASSES:-async gthread kestrel}" CONCS="${CONCS:-8 64 256}"

for ((rep = 1; rep <= REPS; rep++)); do
  for cls in $CLASSES; do
    for c in $CONCS; do
      extra=(); [[ "$cls" == gthread ]] && extra=(--threads 4)
      setsid "$U" -k "$cls" -w "$WORKERS" "${extra[@]}" -b "127.0.0.1:$PORT" --log-level warning --no-control-socket "$HELLO:App" >/dev/null 2>&1 &
      server=$!
      for _ in $(seq 500); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.02; done
      timeout 20 wrk -t1 -c"$c" -d3s "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
      python3 "$HERE/lib/conn_split.py" "$PORT" "$((DUR - 1))" > "$OUT.split.tmp" &
      sampler=$!
      wrk -t1 -c"$c" -d"${DUR}s" -s "$SHARED/lib/report.lua" "http://127.0.0.1:$PORT/" > "$OUT.wrk.tmp" 2>&1 || true
      wait "$sampler"
      kill -TERM "$server" 2>/dev/null || true
      for _ in $(seq 150); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$server" 2>/dev/null || true
      wait "$server" 2>/dev/null || true
      python3 - "$OUT" "$cls" "$c" "$rep" "$U" <<'PY'
import json, sys
out, cls, c, rep, binary = sys.argv[1:]
split = json.loads(open(out + ".split.tmp").read())
wrk = {}
for line in open(out + ".wrk.tmp"):
    line = line.strip()
    if line.startswith("WRK_JSON "):
        try:
            wrk = json.loads(line[len("WRK_JSON "):])
        except ValueError:
            pass
rec = {"class": cls, "conns": int(c), "rep": int(rep), "bin": binary, **split, "wrk": wrk}
open(out, "a").write(json.dumps(rec) + "\n")
print(f"{cls:8} c{c:<4} rep{rep} max_share {split['max_share']} splits {' '.join(split['splits'][:6])} "
      f"rps {wrk.get('rps', 0):.0f} p99 {wrk.get('lat_p99_us', 0) / 1000:.2f} ms")
PY
    done
  done
done
rm -f "$OUT.split.tmp" "$OUT.wrk.tmp"
echo "results: $OUT"
