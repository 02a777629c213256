#!/usr/bin/env python3
"""Idle group PSS of master + N workers, several builds or settings interleaved, median of the rounds.

    idle_pss.py [--workers 1,2,4,8] [--rounds 3] [--idle 5] [--class async] [--breakdown] [--app DLL:Type]
                NAME=BIN[,VAR=VALUE...] ...

Each variant is a unicornet executable plus environment variables for the master (a master passes its
environment on to its workers, so a DOTNET_* variable here reaches both). Per round, every (workers, variant)
pair runs once, in an order that alternates between rounds, so slow drift of a shared machine spreads evenly.
One run: start the master, wait for N workers and a 200, send 8 keep-alive connections x 3 requests at once (so
every worker serves), stay idle --idle seconds, then
charge the tree's pages with group_pss (root: it reads /proc/PID/pagemap). --breakdown prints, per variant, the
master's and one worker's charge by mapping from the last round. Needs root.
"""
import argparse, collections, http.client, os, threading, signal, socket, statistics, subprocess, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import group_pss  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELLO = os.path.join(ROOT, "examples/HelloApp/bin/Release/net10.0/HelloApp.dll") + ":App"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def threads(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def get(port, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                r.read()
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def warm_up(port, connections=8, requests=3):
    """Keep-alive connections opened together, so that every worker accepts some and serves its first requests."""
    def one():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for _ in range(requests):
                c.request("GET", "/")
                c.getresponse().read()
        except OSError:
            pass
        finally:
            c.close()
    ts = [threading.Thread(target=one) for _ in range(connections)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(30)


def run_once(bin_, env_extra, workers, klass, app, idle):
    port = free_port()
    env = dict(os.environ, **env_extra)
    cmd = [bin_, "-k", klass, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           "--no-control-socket", app]
    master = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(children(master.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.05)
        if not get(port, deadline):
            raise RuntimeError(f"{bin_}: no 200 within 60 s")
        warm_up(port)
        time.sleep(idle)
        kids = children(master.pid)
        pids = [master.pid] + kids
        per = {pid: group_pss.pages(pid) for pid in pids}
        count = collections.Counter()
        for p in per.values():
            count.update(p.keys())
        charges, privates = {}, {}
        for pid, p in per.items():
            c, priv = collections.Counter(), collections.Counter()
            for pfn, cat in p.items():
                c[cat] += 1.0 / count[pfn]
                priv[cat] += count[pfn] == 1
            charges[pid] = {k: v * group_pss.PAGE / 2**20 for k, v in c.items()}
            privates[pid] = {k: v * group_pss.PAGE / 2**20 for k, v in priv.items()}
        total = sum(sum(c.values()) for c in charges.values())
        return {"total": total, "master": charges[master.pid], "worker": charges[kids[0]] if kids else {},
                "mpriv": privates[master.pid], "wpriv": privates[kids[0]] if kids else {},
                "threads": (threads(master.pid), threads(kids[0]) if kids else 0), "nkids": len(kids),
                "workers": [sum(charges[k].values()) for k in kids]}
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()


def parse_variant(text):
    name, _, rest = text.partition("=")
    parts = rest.split(",")
    env = dict(p.split("=", 1) for p in parts[1:])
    return name, parts[0], env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", default="2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--idle", type=float, default=5)
    ap.add_argument("--class", dest="klass", default="async")
    ap.add_argument("--app", default=HELLO)
    ap.add_argument("--breakdown", action="store_true")
    ap.add_argument("variants", nargs="+")
    a = ap.parse_args()
    variants = [parse_variant(v) for v in a.variants]
    counts = [int(w) for w in a.workers.split(",")]
    results = collections.defaultdict(list)
    last = {}
    jobs = [(w, v) for w in counts for v in variants]
    for r in range(a.rounds):
        for w, (name, bin_, env) in (jobs if r % 2 == 0 else list(reversed(jobs))):
            res = run_once(bin_, env, w, a.klass, a.app, a.idle)
            results[(w, name)].append(res["total"])
            last[(w, name)] = res
            print(f"round {r + 1} w{w} {name}: {res['total']:.1f} MB (master {sum(res['master'].values()):.1f}, "
                  f"workers {' '.join(f'{w:.1f}' for w in res['workers'])}; threads {res['threads'][0]}/{res['threads'][1]})",
                  flush=True)
    print("\n| variant | " + " | ".join(f"w{w}" for w in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for name, _, _ in variants:
        cells = []
        for w in counts:
            vals = results[(w, name)]
            cells.append(f"{statistics.median(vals):.1f} ({', '.join(f'{v:.1f}' for v in vals)})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if a.breakdown:
        w = counts[-1] if 2 not in counts else 2
        for name, _, _ in variants:
            res = last[(w, name)]
            print(f"\nbreakdown, {name}, w{w}, last round (MB group PSS): master {sum(res['master'].values()):.2f}, "
                  f"worker {sum(res['worker'].values()):.2f}")
            cats = sorted(set(res["master"]) | set(res["worker"]), key=lambda c: -(res["master"].get(c, 0) + res["worker"].get(c, 0)))
            print("  master (private)  worker (private)  mapping")
            for c in cats:
                m, k = res["master"].get(c, 0), res["worker"].get(c, 0)
                if m + k >= 0.05:
                    print(f"  {m:6.2f} ({res['mpriv'].get(c, 0):5.2f})    {k:6.2f} ({res['wpriv'].get(c, 0):5.2f})    {c}")


if __name__ == "__main__":
    main()
