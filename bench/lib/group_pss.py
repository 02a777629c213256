#!/usr/bin/env python3
"""Proportional memory of a process tree as if nothing else on the machine shared its pages.

    group_pss.py [--breakdown] PID...        (needs root: /proc/PID/pagemap gives page frame numbers only to root)

The kernel's PSS splits a shared page between EVERY process that maps it, so on a machine where other .NET
processes run (other builds, test hosts) the framework's pages are split many ways and a pre-fork tree looks
smaller than on a quiet box. This counts, for every resident page of the given processes, how many of THEM map
it, and charges each 1/n: the PSS the tree would have alone. The sum is the tree's distinct resident pages.
--breakdown groups each process's charge (private and shared) by mapping: GC heap, thread stacks, malloc arenas,
other anonymous memory, loader heaps + JIT'd code + stubs (memfd:doublemapper), images (framework, ASP.NET Core,
unicornet, third party), native libraries.
"""
import collections, os, re, struct, sys

PAGE = os.sysconf("SC_PAGE_SIZE")
PFN_MASK = (1 << 55) - 1


def category(name, perm):
    base = os.path.basename(name)
    if "doublemapper" in name:
        return "jit+stubs(doublemapper)"
    if name.endswith(".dll"):
        if "/Microsoft.NETCore.App/" in name:
            return "img:System.Private.CoreLib" if base == "System.Private.CoreLib.dll" else "img:netcore"
        if "/Microsoft.AspNetCore.App/" in name:
            return "img:aspnetcore"
        if base.startswith("Unicornet") or base.startswith("HelloApp"):
            return "img:unicornet"
        return "img:third-party"
    if ".so" in base:
        for lib in ("libcoreclr", "libclrjit", "libSystem.Native", "libhostfxr", "libhostpolicy", "libc.so", "libstdc++", "libicu"):
            if base.startswith(lib):
                return "so:" + lib
        return "so:other"
    if name == "[stack]":
        return "stack(main thread)"
    if name == "[heap]":
        return "native heap([heap])"
    if name.startswith("["):
        return "other " + name
    if name.startswith("/"):
        return "file:" + base if base == "unicornet" else "file:other"
    # Anonymous: thread stacks are rw mappings next to a guard page; the GC heap and loader heaps are rw too.
    return "anon rw (other: runtime reservations)" if "w" in perm else "anon " + perm


def vmas(pid):
    """(start, end, name, perm, rss_kb) for every mapping."""
    out, cur = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
            if m:
                cur = [int(m.group(1), 16), int(m.group(2), 16), m.group(4).strip(), m.group(3), 0]
                out.append(cur)
            elif line.startswith("Rss:") and cur is not None:
                cur[4] = int(line.split()[1])
    return out


GC_SPAN = 1 << 30


def anonymous_kinds(all_vmas):
    """{start: kind} for anonymous rw mappings that the layout identifies.

    The GC reserves one huge range (regions: hundreds of GB) and commits pieces of it, so its rw pieces sit in a
    run of adjacent anonymous mappings spanning more than GC_SPAN. A pthread stack is an rw mapping right above
    a one-page PROT_NONE guard. A glibc malloc arena is an rw mapping right below the PROT_NONE rest of its
    64 MB reservation. The rest (the runtime's own reservations) stays "anon rw (other)".
    """
    kinds = {}
    anon = [v for v in all_vmas if not v[2]]
    run = []
    for v in anon + [None]:
        if v is not None and run and run[-1][1] == v[0]:
            run.append(v)
            continue
        if run and run[-1][1] - run[0][0] > GC_SPAN:
            for r in run:
                kinds[r[0]] = "GC heap (reserved range)"
        run = [v] if v is not None else []
    by_end = {v[1]: v for v in anon}
    by_start = {v[0]: v for v in anon}
    for v in anon:
        if v[0] in kinds or "w" not in v[3]:
            continue
        below, above = by_end.get(v[0]), by_start.get(v[1])
        if below is not None and below[3].startswith("---") and below[1] - below[0] <= 64 * 1024:
            kinds[v[0]] = "thread stacks"
        elif above is not None and above[3].startswith("---"):
            kinds[v[0]] = "malloc arenas"
    return kinds


def pages(pid):
    """{pfn: category} of the resident pages of pid."""
    res = {}
    all_vmas = vmas(pid)
    kinds = anonymous_kinds(all_vmas)
    with open(f"/proc/{pid}/pagemap", "rb") as pm:
        for start, end, name, perm, rss in all_vmas:
            if rss == 0:
                continue
            cat = kinds.get(start) or category(name, perm)
            pm.seek(start // PAGE * 8)
            data = pm.read((end - start) // PAGE * 8)
            for (entry,) in struct.iter_unpack("Q", data):
                if entry >> 63 and entry & PFN_MASK:
                    res[entry & PFN_MASK] = cat
    return res


def main(argv):
    breakdown = "--breakdown" in argv
    pids = [int(a) for a in argv if a.isdigit()]
    per = {pid: pages(pid) for pid in pids}
    count = collections.Counter()
    for p in per.values():
        count.update(p.keys())
    total = 0.0
    for pid, p in per.items():
        charge = collections.Counter()
        private = 0
        for pfn, cat in p.items():
            n = count[pfn]
            charge[cat] += 1.0 / n
            private += n == 1
        pss = sum(charge.values()) * PAGE / 2**20
        total += pss
        print(f"pid {pid}: group PSS {pss:.1f} MB, private to it {private * PAGE / 2**20:.1f} MB")
        if breakdown:
            for cat, c in sorted(charge.items(), key=lambda kv: -kv[1]):
                if c * PAGE >= 64 * 1024:
                    print(f"    {c * PAGE / 2**20:6.2f}  {cat}")
    print(f"total group PSS {total:.1f} MB over {len(pids)} processes")


if __name__ == "__main__":
    main(sys.argv[1:])
