#!/usr/bin/env python3
"""tree-rss.py: the peak memory of a command and the processes it starts
(stratumwatch --workers), which /usr/bin/time cannot give: its %M is the
largest single process's peak, not the sum.

usage: tree-rss.py COMMAND [ARGS...]
Prints one number, in KiB: the sum, over the command and every process it
started, of each one's peak RSS (VmHWM in /proc/PID/status), read every
2 ms while they run. An upper bound of the peak of them all at once (their
peaks need not coincide), but for what a process gained in its last 2 ms,
which is missed; shared pages (the binary, libraries) count in each.
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


def hwm_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: tree-rss.py COMMAND [ARGS...]")
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = {}
    while p.poll() is None:
        todo = [p.pid]
        while todo:
            pid = todo.pop()
            v = hwm_kib(pid)
            if v is not None:
                last[pid] = max(v, last.get(pid, 0))
            todo.extend(children(pid))
        time.sleep(0.002)
    print(sum(last.values()))


if __name__ == "__main__":
    main()
