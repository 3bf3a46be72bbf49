#!/usr/bin/python3
"""prom-check.py: a strict checker of the Prometheus text exposition format
(version 0.0.4), for tests/live-netns.sh. Standard library only.

    prom-check.py FILE [--require NAME ...]

Checks every line: `# HELP name text` (escapes \\\\ and \\n only), `# TYPE
name counter|gauge|histogram|summary|untyped` (once per family, before its
samples), samples `name{label="value",...} value [timestamp]` with valid
metric and label names, label values escaped (\\\\ \\" \\n only), no label
twice, a float value; a family's samples contiguous; no series twice;
counters named *_total; the text ends with a line feed. --require names a
metric family that must have at least one sample. Prints the problems and
exits 1, or exits 0.
"""

import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_labels(s, errs, ln):
    """s starts after '{'; returns (labels, rest after '}')."""
    labels, i = {}, 0
    while True:
        if s[i:i + 1] == "}":
            return labels, s[i + 1:]
        m = re.match(r"([^=]*)=\"", s[i:])
        if not m or not LABEL.match(m.group(1)):
            errs.append("%d: bad label name in %r" % (ln, s))
            return labels, None
        name = m.group(1)
        i += m.end()
        val = []
        while True:
            if i >= len(s):
                errs.append("%d: unterminated label value" % ln)
                return labels, None
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    errs.append("%d: bad escape \\%s in a label value" % (ln, nxt))
                    return labels, None
                val.append({"n": "\n"}.get(nxt, nxt))
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                errs.append("%d: raw line feed in a label value" % ln)
                return labels, None
            else:
                val.append(c)
                i += 1
        if name in labels:
            errs.append("%d: label %s twice" % (ln, name))
        labels[name] = "".join(val)
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            errs.append("%d: expected , or } after a label" % ln)
            return labels, None


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[:-len(suffix)]) in ("histogram", "summary"):
            return name[:-len(suffix)]
    return name


def check(text, required):
    errs, types, helps, seen, done = [], {}, set(), set(), set()
    counts, current = {}, None
    if not text.endswith("\n"):
        errs.append("the text does not end with a line feed")
    for ln, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.match(name):
                    errs.append("%d: bad metric name %r" % (ln, name))
                if parts[1] == "HELP":
                    h = parts[3] if len(parts) > 3 else ""
                    if re.search(r"\\[^\\n]", h.replace("\\\\", "")):
                        errs.append("%d: bad escape in HELP" % ln)
                    if name in helps:
                        errs.append("%d: second HELP for %s" % (ln, name))
                    helps.add(name)
                else:
                    t = parts[3] if len(parts) > 3 else ""
                    if t not in TYPES:
                        errs.append("%d: unknown TYPE %r" % (ln, t))
                    if name in types:
                        errs.append("%d: second TYPE for %s" % (ln, name))
                    if name in counts:
                        errs.append("%d: TYPE for %s after its samples" % (ln, name))
                    if t == "counter" and not name.endswith("_total"):
                        errs.append("%d: counter %s does not end in _total" % (ln, name))
                    types[name] = t
            continue
        if line.strip() == "":
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)", line)
        if not m:
            errs.append("%d: not a sample: %r" % (ln, line))
            continue
        name, rest, labels = m.group(1), line[m.end():], {}
        if rest.startswith("{"):
            labels, rest = parse_labels(rest[1:], errs, ln)
            if rest is None:
                continue
        fields = rest.split(" ")
        if fields[0] != "" or len(fields) not in (2, 3):
            errs.append("%d: expected ' value [timestamp]' after %s: %r" % (ln, name, rest))
            continue
        try:
            float(fields[1])
            if len(fields) == 3:
                int(fields[2])
        except ValueError:
            errs.append("%d: bad value %r" % (ln, rest))
            continue
        fam = family_of(name, types)
        if fam != current:
            if fam in done:
                errs.append("%d: samples of %s are not together" % (ln, fam))
            if current is not None:
                done.add(current)
            current = fam
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            errs.append("%d: series %s%s twice" % (ln, name, labels))
        seen.add(key)
        counts[fam] = counts.get(fam, 0) + 1
    for r in required:
        if counts.get(r, 0) == 0:
            errs.append("no sample of %s" % r)
    return errs


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    path, required = args[0], []
    i = 1
    while i < len(args):
        if args[i] == "--require" and i + 1 < len(args):
            required.append(args[i + 1])
            i += 2
        else:
            sys.exit("unknown argument %r" % args[i])
    errs = check(open(path, encoding="utf-8").read(), required)
    for e in errs:
        print(e)
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
