#!/usr/bin/env python3
"""tree-rss.py: the peak memory of a command and the processes it starts
(stratumwatch --workers), which /usr/bin/time cannot give: its %M is the
largest single process's peak, not the sum.

usage: tree-rss.py [--pss] COMMAND [ARGS...]
Prints one number, in KiB: the sum, over the command and every process it
started, of each one's peak RSS (VmHWM in /proc/PID/status), read every
2 ms while they run. An upper bound of the peak of them all at once (their
peaks need not coincide), but for what a process gained in its last 2 ms,
which is missed; shared pages (the binary, libraries) count in each.

--pss: the largest sum, over the tree, of each process's PSS at one
moment (Pss in /proc/PID/smaps_rollup, which counts a page shared by k
processes as 1/k in each: the tree's pages once), sampled every 2 ms. The
kernel keeps no peak of PSS, so a spike between samples is missed: a
lower bound of the tree's physical peak, to set beside the RSS sum's
upper bound. For one process it differs from RSS by its share of the
libraries other processes also map.
"""
import os
import subprocess
import sys
import time


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def kib_field(path, name):
    """The number of the line of /proc file path that starts with name."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def hwm_kib(pid):
    return kib_field("/proc/%d/status" % pid, "VmHWM:")


def pss_kib(pid):
    return kib_field("/proc/%d/smaps_rollup" % pid, "Pss:")


def main():
    args = sys.argv[1:]
    pss = bool(args) and args[0] == "--pss"
    if pss:
        args = args[1:]
    if not args:
        sys.exit("usage: tree-rss.py [--pss] COMMAND [ARGS...]")
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = {}
    best = 0
    while p.poll() is None:
        todo = [p.pid]
        now = 0
        while todo:
            pid = todo.pop()
            v = pss_kib(pid) if pss else hwm_kib(pid)
            if v is not None:
                last[pid] = max(v, last.get(pid, 0))
                now += v
            todo.extend(children(pid))
        best = max(best, now)
        time.sleep(0.002)
    print(best if pss else sum(last.values()))


if __name__ == "__main__":
    main()
