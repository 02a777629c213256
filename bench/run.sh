#!/usr/bin/env bash
# Measures unicornet beside its anchors (gunicorn 20.1 from Debian, Kestrel) in ONE interleaved
# campaign, using the shared harness in ../../shared/bench (see its README), and prints the summary
# with ratio columns ("x gunicorn-sync-w2", ...). Speed and memory goals live here, not in tests.
#
#   bench/run.sh                      # default: ka close big idle startup, 3 reps
#   REPS=5 ONLY="ka close" bench/run.sh
#   CONNS=256 ONLY="ka" bench/run.sh out/c256     # wrk -c256 instead of -c64 (also CONNS=8)
#
# Needs: wrk, gunicorn, python3-gevent, h2load, curl (apt-get install -y wrk gunicorn python3-gevent nghttp2-client curl).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || true)}"
[[ -d "$SHARED" ]] || { echo "shared/bench not found beside the repository (set SHARED_BENCH)" >&2; exit 1; }

OUT="${1:-$HERE/out/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
# The harness runs from its own directory: a relative OUT would land there.
OUT="$(cd "$OUT" && pwd)"

# The production layout (build.cake's Publish target): framework-dependent, ReadyToRun.
dotnet publish "$ROOT/src/Unicornet.Cli/Unicornet.Cli.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$ROOT/artifacts/publish/unicornet" -nologo -v q
dotnet build "$ROOT/examples/HelloApp/HelloApp.csproj" -c Release -nologo -v q
dotnet build "$ROOT/examples/MinimalApi/MinimalApi.csproj" -c Release -nologo -v q 2>/dev/null || true

U="${UNICORNET_BIN:-$ROOT/artifacts/publish/unicornet/unicornet}"
HELLO="$ROOT/examples/HelloApp/bin/Release/net10.0/HelloApp.dll:App"
# A whole ASP.NET Core app (WebApplication + MapGet "/"), captured and run on unicornet's engine.
MINIMALAPI="$ROOT/examples/MinimalApi/bin/Release/net10.0/MinimalApi.dll"
# The benchmark measures the server, not the log: no access log, warnings only.
COMMON="-b 127.0.0.1:{PORT} --log-level warning --no-control-socket"

export EXTRA="${EXTRA:-unicornet-async-w2 unicornet-sync-w2 unicornet-gthread-w2t4}"
export CMD_unicornet_async_w2="$U -k async -w 2 $COMMON $HELLO"
export CMD_unicornet_sync_w2="$U -k sync -w 2 $COMMON $HELLO"
# metrics_bind on (issue 14: keep-alive req/s within 3 % of unicornet-async-w2, master idle PSS +3 MB at most).
# Run the pair interleaved, on a quiet machine:
#   REPS=5 ONLY="ka idle" EXTRA="unicornet-async-w2 unicornet-async-w2-metrics" ANCHORS="kestrel-raw" bench/run.sh /tmp/bm
export CMD_unicornet_async_w2_metrics="$U -k async -w 2 --metrics-bind unix:/tmp/unicornet-bench-metrics-{PORT}.sock $COMMON $HELLO"
export CMD_unicornet_gthread_w2t4="$U -k gthread -w 2 --threads 4 $COMMON $HELLO"
export CMD_unicornet_kestrel_w2="$U -k kestrel -w 2 $COMMON $HELLO"
# The kestrel class with one worker (per-process overhead against kestrel-raw, without the second process), and
# w2 with the thread pool's idle spinning back at the runtime default (70): the setting unicornet changed for this
# class (issue 15 section 3), measured in one build, e.g.
#   REPS=5 ONLY="close ka" EXTRA="unicornet-kestrel-w2 unicornet-kestrel-w2-spin unicornet-kestrel-w1" ANCHORS="kestrel-raw" bench/run.sh /tmp/bk
export CMD_unicornet_kestrel_w1="$U -k kestrel -w 1 $COMMON $HELLO"
export CMD_unicornet_kestrel_w2_spin="env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70 $U -k kestrel -w 2 $COMMON $HELLO"
# gthread with its default of 1 thread per worker, as issue 15's "gthread w2" figure.
export CMD_unicornet_gthread_w2="$U -k gthread -w 2 $COMMON $HELLO"
# Keep-alive tail latency (issue 15 section 1): the async class with one socket engine (poll thread) per worker
# (what it runs by default since session 11 when workers >= cores: cores / workers), with the runtime's one per
# core in every worker (the behaviour before), and with socket continuations on the thread pool instead of inline,
# e.g.
#   for c in 8 64 256; do CONNS=$c REPS=3 ONLY="ka" EXTRA="unicornet-async-w2 unicornet-async-w2-percore unicornet-async-w2-noinline unicornet-gthread-w2t4 unicornet-kestrel-w2" ANCHORS="kestrel-raw" bench/run.sh /tmp/p99-c$c; done
export CMD_unicornet_async_w2_t1="env DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1 $U -k async -w 2 $COMMON $HELLO"
export CMD_unicornet_async_w2_percore="env DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=$(nproc) $U -k async -w 2 $COMMON $HELLO"
# Each worker's runtime told it has one core (DOTNET_PROCESSOR_COUNT=1): one thread-pool minimum, no spin-waits,
# one Kestrel I/O queue, one socket engine, as a process that shares its cores with the other workers.
export CMD_unicornet_async_w2_p1="env DOTNET_PROCESSOR_COUNT=1 $U -k async -w 2 $COMMON $HELLO"
# A/A controls: without inline completions the runtime already runs one socket engine per 30 cores, so these are
# the plain gthread and kestrel w2 under another name; how far apart a pair lands is this box's noise.
export CMD_unicornet_gthread_w2_t1="env DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1 $U -k gthread -w 2 $COMMON $HELLO"
export CMD_unicornet_kestrel_w2_t1="env DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1 $U -k kestrel -w 2 $COMMON $HELLO"
export CMD_unicornet_kestrel_w2_p1="env DOTNET_PROCESSOR_COUNT=1 $U -k kestrel -w 2 $COMMON $HELLO"
export CMD_unicornet_gthread_w2t4_p1="env DOTNET_PROCESSOR_COUNT=1 $U -k gthread -w 2 --threads 4 $COMMON $HELLO"
# The kestrel class with Kestrel raw's garbage collector (server GC, as the Web SDK defaults it) and with a larger
# gen0 budget than the 2 MB unicornet gives its workers (issue 15 section 3: what the runtime settings cost per
# connection), e.g.
#   REPS=3 ONLY="close ka" EXTRA="unicornet-kestrel-w2 unicornet-kestrel-w2-sgc unicornet-kestrel-w2-g64 unicornet-kestrel-w2-g16" ANCHORS="kestrel-raw" bench/run.sh /tmp/bg
export CMD_unicornet_kestrel_w2_sgc="env DOTNET_gcServer=1 $U -k kestrel -w 2 $COMMON $HELLO"
export CMD_unicornet_kestrel_w2_g64="env DOTNET_GCgen0size=0x4000000 $U -k kestrel -w 2 $COMMON $HELLO"
# Tiered PGO back on in the kestrel class's workers, as Kestrel raw (the Web SDK's default) runs it.
export CMD_unicornet_kestrel_w2_pgo="env DOTNET_TieredPGO=1 $U -k kestrel -w 2 $COMMON $HELLO"
export CMD_unicornet_kestrel_w2_g16="env DOTNET_GCgen0size=0x1000000 $U -k kestrel -w 2 $COMMON $HELLO"
export CMD_unicornet_async_w2_noinline="env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 $U -k async -w 2 $COMMON $HELLO"
# A second build beside this one (e.g. a baseline published from another worktree): BEFORE_BIN=/path/to/unicornet
# gives before-async-w2, before-gthread-w2, before-kestrel-w2, before-sync-w2 with the same arguments.
if [[ -n "${BEFORE_BIN:-}" ]]; then
    export CMD_before_async_w2="$BEFORE_BIN -k async -w 2 $COMMON $HELLO"
    export CMD_before_sync_w2="$BEFORE_BIN -k sync -w 2 $COMMON $HELLO"
    export CMD_before_gthread_w2="$BEFORE_BIN -k gthread -w 2 $COMMON $HELLO"
    export CMD_before_kestrel_w2="$BEFORE_BIN -k kestrel -w 2 $COMMON $HELLO"
fi
export CMD_unicornet_kestrel_h2c_w2="$U -k kestrel -w 2 --http2-cleartext prior-knowledge --http-protocols h2 $COMMON $HELLO"
# Compare with ANCHORS="kestrel-mapget" (ka) and EXTRA_H2 against kestrel-raw-h2c (h2), e.g.
#   REPS=1 ONLY="ka" EXTRA="unicornet-minimalapi-async-w2" ANCHORS="kestrel-mapget" MAX_FOREIGN_PCT=100 bench/run.sh /tmp/b1
#   ONLY="h2" EXTRA= EXTRA_H2="unicornet-kestrel-h2c-w2" ANCHORS="kestrel-raw" bench/run.sh /tmp/b2
export CMD_unicornet_minimalapi_async_w2="$U -k async -w 2 $COMMON $MINIMALAPI"
# The same MinimalApi app on plain Kestrel, run the way its users run it (its own runtimeconfig: the Web SDK's
# server GC, its own logging): the issue's "same app on plain Kestrel".
export CMD_kestrel_minimalapi="dotnet $MINIMALAPI --urls http://127.0.0.1:{PORT}"
# ... and with the runtime settings unicornet gives its workers (workstation non-concurrent GC), to separate
# what the runtime configuration buys from what the server does.
export CMD_kestrel_minimalapi_wks="env DOTNET_gcServer=0 DOTNET_gcConcurrent=0 dotnet $MINIMALAPI --urls http://127.0.0.1:{PORT}"
# The anchor's own app (kestrel-hello, MapGet mode: same code, same logging) captured on the engine: the
# fairest bridge-versus-Kestrel comparison (MinimalApi adds an exception handler and more routes).
KHELLO="$SHARED/apps/kestrel-hello/bin/Release/net10.0/kestrel-hello.dll"
export CMD_unicornet_kestrelhello_async_w2="$U -k async -w 2 $COMMON $KHELLO"
export CMD_unicornet_minimalapi_kestrel_w2="$U -k kestrel -w 2 $COMMON $MINIMALAPI"
export CMD_unicornet_minimalapi_kestrel_h2c_w2="$U -k kestrel -w 2 --http2-cleartext prior-knowledge --http-protocols h2 $COMMON $MINIMALAPI"
export ANCHORS="${ANCHORS:-gunicorn-sync-w2 gunicorn-gevent-w2 kestrel-raw}"
export ONLY="${ONLY:-ka close big idle startup}"
export REPS="${REPS:-3}" BIG_REPS="${BIG_REPS:-1}" H2_REPS="${H2_REPS:-1}" STARTUP_RUNS="${STARTUP_RUNS:-5}" IDLE_REPS="${IDLE_REPS:-1}"

# CONNS=8 / CONNS=256: the shared campaign always runs wrk -c64; for other concurrencies it runs from a copy of
# the harness (in OUT, never written back) whose calls to run.sh pass -c CONNS.
HARNESS="$SHARED"
if [[ -n "${CONNS:-}" && "${CONNS}" != 64 ]]; then
    HARNESS="$OUT/harness-c$CONNS"
    rm -rf "$HARNESS" && cp -r "$SHARED" "$HARNESS" && rm -rf "$HARNESS/out"
    sed -i "s|./run.sh -p \"\$PORT\"|./run.sh -c $CONNS -p \"\$PORT\"|g" "$HARNESS/bench-all.sh"
    grep -q -- "-c $CONNS -p" "$HARNESS/bench-all.sh" || { echo "could not set -c $CONNS in the harness copy" >&2; exit 1; }
fi
"$HARNESS/bench-all.sh" "$OUT"
echo
echo "summary: $OUT/summary.md"
