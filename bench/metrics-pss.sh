#!/usr/bin/env bash
# Issue 14's memory cost of metrics_bind: the master's PSS with metrics off, with metrics on (idle) and with
# metrics on after SCRAPES scrapes of /metrics, on `-k async -w 2` with the hello app. Rounds are interleaved
# (off, on, off, on, ...) so that a change in the machine's load hits both; the medians are printed at the end.
#
#   bench/metrics-pss.sh [OUT_DIR]
#   REPS=5 SCRAPES=10 SETTLE=5 bench/metrics-pss.sh /tmp/mpss
#   UNICORNET_BIN=/tmp/base/unicornet bench/metrics-pss.sh /tmp/mpss-before     # another build, same rounds
#
# States: off and off-late (metrics off, measured at the ages of the two metrics-on readings), on-idle,
# on-scraped. Figures per state: the master's kernel PSS (smaps_rollup; its shared pages are split with every process on
# the machine that maps them, so it moves with the box's load) and, as root, its group PSS (bench/lib/group_pss.py:
# shared pages split only within the server's tree, the figure to compare). The last round's breakdowns
# (GC heap, JIT'd code, images...) are kept in OUT_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="${1:-$HERE/out/metrics-pss-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
U="${UNICORNET_BIN:-$ROOT/artifacts/publish/unicornet/unicornet}"
[[ -x "$U" ]] || dotnet publish "$ROOT/src/Unicornet.Cli/Unicornet.Cli.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$(dirname "$U")" -nologo -v q
HELLO="$ROOT/examples/HelloApp/bin/Release/net10.0/HelloApp.dll"
[[ -f "$HELLO" ]] || dotnet build "$ROOT/examples/HelloApp/HelloApp.csproj" -c Release -nologo -v q
PORT="${PORT:-18290}" REPS="${REPS:-3}" SCRAPES="${SCRAPES:-10}" SETTLE="${SETTLE:-5}"
SOCK="$OUT/metrics.sock"
ROWS="$OUT/rows.tsv"
: > "$ROWS"
GROUP=0
[[ "$(id -u)" == 0 ]] && GROUP=1 || echo "not root: group PSS (bench/lib/group_pss.py) left out, kernel PSS only" >&2

server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap cleanup EXIT

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds, fails the run at the deadline.
wait_for() {
  local what="$1" secs="$2"; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || { echo "timed out waiting for $what" >&2; exit 1; }
    sleep 0.1
  done
}

workers_up() { local n; n=$(pgrep -c -P "$server" 2>/dev/null) || true; [[ "${n:-0}" -ge 2 ]]; }

# measure ROUND STATE: one row (round, state, master kernel PSS kB, master group PSS kB, group total kB).
measure() {
  local round="$1" state="$2" pss group="" total=""
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$server/smaps_rollup")
  if ((GROUP)); then
    local pids report
    pids=$(pgrep -s "$server" | tr '\n' ' ')
    report="$OUT/breakdown-$state.txt"
    # shellcheck disable=SC2086
    python3 "$HERE/lib/group_pss.py" --breakdown $pids > "$report"
    group=$(awk -v p="$server" '$1 == "pid" && $2 == p":" {print $5 * 1024}' "$report")
    total=$(awk '/^total group PSS/ {print $4 * 1024}' "$report")
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$state" "$pss" "$group" "$total" | tee -a "$ROWS"
}

run() {
  local round="$1" mode="$2" extra=()
  [[ "$mode" == on ]] && extra=(--metrics-bind "unix:$SOCK")
  rm -f "$SOCK"
  setsid "$U" -k async -w 2 -b "127.0.0.1:$PORT" --log-level warning --no-control-socket "${extra[@]}" "$HELLO:App" \
    > "$OUT/server-$mode.log" 2>&1 &
  server=$!
  wait_for "the app on port $PORT" 60 curl -fs "http://127.0.0.1:$PORT/"
  wait_for "two workers" 30 workers_up
  if [[ "$mode" == on ]]; then
    wait_for "/readyz" 30 curl -fs --unix-socket "$SOCK" http://m/readyz
  fi
  sleep "$SETTLE" # idle means idle: let boot-time garbage be collected and the workers settle
  if [[ "$mode" == off ]]; then
    # Measured twice, at the ages the metrics-on master is measured at: an idle master's main loop keeps
    # tiering up its own methods (JIT'd code) for a while, which must not be charged to the scrapes.
    measure "$round" off
    sleep "$((SETTLE + 1))"
    measure "$round" off-late
  else
    measure "$round" on-idle
    for ((i = 0; i < SCRAPES; i++)); do
      curl -fs --unix-socket "$SOCK" http://m/metrics > "$OUT/scrape.txt"
    done
    sleep "$SETTLE"
    measure "$round" on-scraped
  fi
  cleanup
}

printf 'round\tstate\tmaster_pss_kB\tmaster_group_pss_kB\tgroup_total_kB\n'
for ((r = 1; r <= REPS; r++)); do
  # Alternate which mode goes first so that neither always starts on a machine the other just warmed.
  if ((r % 2)); then run "$r" off; run "$r" on; else run "$r" on; run "$r" off; fi
done

python3 - "$ROWS" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def med(state, col):
    vals = [float(r[col]) for r in rows if r[1] == state and r[col]]
    return statistics.median(vals) / 1024 if vals else None
print(f"\nmedians over {len({r[0] for r in rows})} rounds (MB)       master kernel PSS   master group PSS   group total")
# Each metrics-on state is compared with the metrics-off master of the same age.
against = {"on-idle": "off", "on-scraped": "off-late"}
for state in ("off", "off-late", "on-idle", "on-scraped"):
    cells = []
    for c in (2, 3, 4):
        v = med(state, c)
        base = med(against[state], c) if state in against else None
        if v is None:
            cells.append(f"{'-':>18}")
        elif base is None:
            cells.append(f"{v:18.1f}")
        else:
            cells.append(f"{v:9.1f} ({v - base:+5.1f})")
    print(f"  {state:34}" + " ".join(cells))
PY
echo "(on-idle against off, on-scraped against off-late: the same age)"
echo "breakdowns of the last round: $OUT/breakdown-{off,off-late,on-idle,on-scraped}.txt"
