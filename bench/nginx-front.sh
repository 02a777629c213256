#!/usr/bin/env bash
# nginx in front (issue 13): wrk through a real nginx running the config samples, interleaved:
#   nginx-uwsgi-unicornet-async-w2   nginx -> uwsgi_pass  (config-samples/nginx-uwsgi.conf)  -> unicornet -k async -w 2 --protocol uwsgi
#   nginx-proxy-unicornet-async-w2   nginx -> proxy_pass, keepalive upstream (nginx-proxy.conf) -> unicornet -k async -w 2
#   nginx-proxy-kestrel-raw          nginx -> proxy_pass, keepalive upstream (nginx-proxy.conf) -> Kestrel raw (the anchor)
# and prints req/s with the server CPU per request of the backend and of nginx separately (user+sys of each
# process tree, read from /proc before and after the measured wrk run).
#
#   bench/nginx-front.sh                        # 3 reps, 10 s each, wrk -c64 -t2, nginx with 1 worker
#   REPS=5 DUR=20s NGINX_WORKERS=2 bench/nginx-front.sh /tmp/nginx-bench
#
# Needs: nginx, wrk, curl, python3 (apt-get install -y nginx-light wrk curl). The shared harness (../shared/bench)
# provides the Kestrel anchor app and wrk's report script.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED_BENCH:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || true)}"
[[ -d "$SHARED" ]] || { echo "shared/bench not found beside the repository (set SHARED_BENCH)" >&2; exit 1; }
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
REPS="${REPS:-3}" DUR="${DUR:-10s}" CONN="${CONN:-64}" THREADS="${THREADS:-2}" WARMUP="${WARMUP:-3s}" NGINX_WORKERS="${NGINX_WORKERS:-1}"
SCENARIOS="${SCENARIOS:-nginx-uwsgi-unicornet-async-w2 nginx-proxy-unicornet-async-w2 nginx-proxy-kestrel-raw}"

OUT="${1:-$HERE/out/nginx-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if [[ -z "${UNICORNET_BIN:-}" ]]; then
    dotnet publish "$ROOT/src/Unicornet.Cli/Unicornet.Cli.csproj" -c Release -r linux-x64 --self-contained false \
        -p:PublishReadyToRun=true -o "$ROOT/artifacts/publish/unicornet" -nologo -v q
fi
dotnet build "$ROOT/examples/HelloApp/HelloApp.csproj" -c Release -nologo -v q
U="${UNICORNET_BIN:-$ROOT/artifacts/publish/unicornet/unicornet}"
HELLO="$ROOT/examples/HelloApp/bin/Release/net10.0/HelloApp.dll:App"
K="$SHARED/apps/kestrel-hello/bin/Release/net10.0/kestrel-hello"
if [[ ! -x "$K" ]]; then
    # Built from a copy: the shared harness's tree stays untouched.
    cp -r "$SHARED/apps/kestrel-hello" "$OUT/kestrel-hello-src"
    dotnet build "$OUT/kestrel-hello-src/kestrel-hello.csproj" -c Release -nologo -v q -o "$OUT/kestrel-hello"
    K="$OUT/kestrel-hello/kestrel-hello"
fi
COMMON="--log-level warning --no-control-socket"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# CPU seconds (user+sys) of a process and all its descendants, from /proc.
tree_cpu() {
    python3 - "$1" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
kids = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            kids.setdefault(int(f[1]), []).append((int(p), int(f[11]) + int(f[12])))
        except OSError:
            pass
def total(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        own = int(f[11]) + int(f[12])
    except OSError:
        own = 0
    return own + sum(total(c) for c, _ in kids.get(pid, []))
print(f"{total(int(sys.argv[1])) / tick:.3f}")
PY
}

stop_tree() {
    local pid="$1"
    local all; all="$(python3 - "$pid" <<'PY'
import os, sys
kids = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            kids.setdefault(int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1]), []).append(int(p))
        except OSError:
            pass
out, todo = [], [int(sys.argv[1])]
while todo:
    p = todo.pop(); out.append(p); todo += kids.get(p, [])
print(" ".join(map(str, out)))
PY
)"
    kill -TERM $all 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL $all 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Writes nginx.conf for one scenario and prints nothing; the site is a config sample with the test's addresses.
write_nginx() {
    local dir="$1" sample="$2"; shift 2
    mkdir -p "$dir"
    local site="$dir/site.conf"
    # The benchmark fronts plain HTTP only: the samples' TLS listeners are left out.
    grep -v -E 'ssl' "$ROOT/config-samples/$sample" > "$site"
    while (( $# )); do sed -i "s#$1#$2#g" "$site"; shift 2; done
    {
        [[ "$(id -u)" == 0 ]] && echo "user root;"
        echo "worker_processes $NGINX_WORKERS; pid $dir/nginx.pid; error_log $dir/error.log warn;"
        echo "events { worker_connections 4096; }"
        echo "http { access_log off; client_body_temp_path $dir/cb; proxy_temp_path $dir/p; uwsgi_temp_path $dir/u; fastcgi_temp_path $dir/f; scgi_temp_path $dir/s;"
        echo "  include $site;"
        echo "}"
    } > "$dir/nginx.conf"
}

wait_ok() {
    local url="$1"
    for _ in $(seq 300); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" == 200 ]] && return 0
        sleep 0.2
    done
    echo "no 200 from $url" >&2
    return 1
}

RESULTS="$OUT/results.tsv"
printf 'scenario\trep\trps\tbackend_cpu_us_per_req\tnginx_cpu_us_per_req\terrors\n' > "$RESULTS"

run_one() {
    local name="$1" rep="$2" dir="$OUT/$1-$2"
    local bport front uport; bport="$(free_port)"; front="$(free_port)"; uport="$(free_port)"
    mkdir -p "$dir"
    case "$name" in
        nginx-uwsgi-unicornet-async-w2)
            "$U" -k async -w 2 --protocol uwsgi -b "127.0.0.1:$bport" -b "unix:$dir/uwsgi.sock" $COMMON "$HELLO" > "$dir/backend.log" 2>&1 &
            write_nginx "$dir/nginx" nginx-uwsgi.conf 127.0.0.1:8001 "127.0.0.1:$bport" 127.0.0.1:8080 "127.0.0.1:$front" \
                127.0.0.1:8081 "127.0.0.1:$uport" unix:/run/unicornet/uwsgi.sock "unix:$dir/uwsgi.sock" ;;
        nginx-proxy-unicornet-async-w2)
            "$U" -k async -w 2 --keep-alive 75 -b "127.0.0.1:$bport" $COMMON "$HELLO" > "$dir/backend.log" 2>&1 &
            write_nginx "$dir/nginx" nginx-proxy.conf 127.0.0.1:8000 "127.0.0.1:$bport" 127.0.0.1:8082 "127.0.0.1:$front" ;;
        nginx-proxy-kestrel-raw)
            "$K" --urls "http://127.0.0.1:$bport" --mode raw > "$dir/backend.log" 2>&1 &
            write_nginx "$dir/nginx" nginx-proxy.conf 127.0.0.1:8000 "127.0.0.1:$bport" 127.0.0.1:8082 "127.0.0.1:$front" ;;
        *) echo "unknown scenario $name" >&2; return 1 ;;
    esac
    local backend=$!
    "$NGINX" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' > "$dir/nginx.log" 2>&1 &
    local nginx=$!
    if wait_ok "http://127.0.0.1:$front/"; then
        wrk -t"$THREADS" -c"$CONN" -d"$WARMUP" "http://127.0.0.1:$front/" > /dev/null 2>&1 || true
        local b0 n0 b1 n1
        b0="$(tree_cpu "$backend")"; n0="$(tree_cpu "$nginx")"
        wrk -t"$THREADS" -c"$CONN" -d"$DUR" -s "$SHARED/lib/report.lua" "http://127.0.0.1:$front/" > "$dir/wrk.txt" 2>&1 || true
        b1="$(tree_cpu "$backend")"; n1="$(tree_cpu "$nginx")"
        python3 - "$dir/wrk.txt" "$b0" "$b1" "$n0" "$n1" "$name" "$rep" >> "$RESULTS" <<'PY'
import json, sys
line = next(l for l in open(sys.argv[1]) if l.startswith("WRK_JSON "))
w = json.loads(line[9:])
n = max(1, w["requests"])
b = (float(sys.argv[3]) - float(sys.argv[2])) * 1e6 / n
x = (float(sys.argv[5]) - float(sys.argv[4])) * 1e6 / n
err = w["err_connect"] + w["err_read"] + w["err_write"] + w["err_status"] + w["err_timeout"]
print(f"{sys.argv[6]}\t{sys.argv[7]}\t{w['rps']:.0f}\t{b:.1f}\t{x:.1f}\t{err}")
PY
        tail -1 "$RESULTS"
    fi
    stop_tree "$nginx"
    stop_tree "$backend"
}

for rep in $(seq "$REPS"); do
    for name in $SCENARIOS; do
        run_one "$name" "$rep"
    done
done

python3 - "$RESULTS" > "$OUT/summary.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| scenario | reps | req/s (median) | backend CPU µs/req | nginx CPU µs/req | errors |")
print("|---|---|---|---|---|---|")
for name in dict.fromkeys(r["scenario"] for r in rows):
    rs = [r for r in rows if r["scenario"] == name]
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"| {name} | {len(rs)} | {med('rps'):.0f} | {med('backend_cpu_us_per_req'):.1f} | {med('nginx_cpu_us_per_req'):.1f} | {sum(int(r['errors']) for r in rs)} |")
PY
echo
cat "$OUT/summary.md"
echo "raw: $RESULTS"
