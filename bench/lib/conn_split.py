#!/usr/bin/env python3
"""How a server's established connections are split between its processes, sampled while a load runs.

    conn_split.py PORT SECONDS [INTERVAL]

Every INTERVAL seconds (default 0.5) reads `ss -tnpH state established sport = :PORT` and counts the
sockets each process holds (the worker that accepted a connection owns its socket). Prints one JSON line:
{"samples": n, "per_pid_median": {pid: median count}, "splits": ["40/24", ...] (each sample's counts, largest
first), "max_share": median over samples of the largest process's share}.
"""
import json, re, statistics, subprocess, sys, time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
per_pid, splits, shares = {}, [], []
end = time.time() + seconds
while time.time() < end:
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True).stdout
    counts = {}
    for line in out.splitlines():
        pids = set(re.findall(r"pid=(\d+)", line))
        for pid in pids:
            counts[pid] = counts.get(pid, 0) + 1
    if counts:
        for pid, n in counts.items():
            per_pid.setdefault(pid, []).append(n)
        ordered = sorted(counts.values(), reverse=True)
        splits.append("/".join(map(str, ordered)))
        shares.append(ordered[0] / sum(ordered))
    time.sleep(interval)
print(json.dumps({
    "samples": len(splits),
    "per_pid_median": {pid: statistics.median(v) for pid, v in per_pid.items()},
    "splits": splits,
    "max_share": round(statistics.median(shares), 3) if shares else None,
}))
