#!/usr/bin/env python3
"""Prints the JMH results of scripts/bench-jmh as a table, each benchmark beside its baseline.

usage: jmh_table.py JMH_JSON CPU_BUSY_PCT [README]

In each benchmark class the methods named baseline* are the baselines; every other method's time
is shown as a ratio of each baseline's time measured with the same parameters (a baseline
without parameters serves every parameter set). Below 1 means faster than the baseline. With
README, the table replaces the part of that file between the jmh markers.
"""
import datetime
import json
import os
import re
import sys

BEGIN = "<!-- BEGIN GENERATED: scripts/bench-jmh -->"
END = "<!-- END GENERATED: scripts/bench-jmh -->"


def split(name):
    cls, method = name.rsplit(".", 1)
    return cls.rsplit(".", 1)[-1], method


def fmt(v):
    if not isinstance(v, (int, float)) or v != v:
        return "-"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def main():
    path, busy = sys.argv[1], int(sys.argv[2])
    readme = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
    with open(path) as f:
        runs = json.load(f)
    rows = []
    for r in runs:
        cls, method = split(r["benchmark"])
        pm = r["primaryMetric"]
        secondary = r.get("secondaryMetrics", {})
        alloc = (secondary.get("gc.alloc.rate.norm") or secondary.get("\u00b7gc.alloc.rate.norm") or {}).get("score")
        rows.append({"class": cls, "method": method, "params": r.get("params") or {},
                     "score": pm["score"], "error": pm.get("scoreError"), "unit": pm["scoreUnit"], "alloc": alloc,
                     "baseline": method.startswith("baseline")})

    def matches(base, row):
        return all(row["params"].get(k) == v for k, v in base["params"].items())

    lines = []
    lines.append("| benchmark | method | params | time | ± | alloc B/op | time vs baseline |")
    lines.append("|---|---|---|---:|---:|---:|---|")
    for cls in sorted({r["class"] for r in rows}, key=lambda c: [r["class"] for r in rows].index(c)):
        mine = [r for r in rows if r["class"] == cls]
        bases = [r for r in mine if r["baseline"]]
        for r in sorted(mine, key=lambda r: (json.dumps(r["params"], sort_keys=True), r["baseline"], r["method"])):
            if r["baseline"]:
                vs = "(baseline)"
            else:
                parts = []
                for b in bases:
                    if matches(b, r) and b["score"]:
                        ratio = r["score"] / b["score"]
                        parts.append(f"**{ratio:.2f}x** of {b['method']}")
                vs = "; ".join(parts) or "-"
            params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "-"
            unit = r["unit"].replace("/op", "")
            lines.append(f"| {cls.replace('Benchmark', '')} | {r['method']} | {params} | {fmt(r['score'])} {unit} | "
                         f"{fmt(r['error'])} | {fmt(r['alloc'])} | {vs} |")
    stamp = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"JMH run of {stamp} ({os.cpu_count()} CPUs, {busy}% busy just before it started"
              f"{': other work on the machine makes these figures noisy' if busy >= 15 else ''}). "
              "Time per operation (lower is better), 99.9% error; a ratio below 1 means faster than the baseline.")
    table = "\n".join(lines)
    print()
    print(header)
    print(table)
    if readme:
        with open(readme) as f:
            text = f.read()
        block = f"{BEGIN}\n{header}\n\n{table}\n{END}"
        if BEGIN in text and END in text:
            text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: block, text, flags=re.S)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        with open(readme, "w") as f:
            f.write(text)
        print(f"\n(table written into {os.path.relpath(readme)})")


if __name__ == "__main__":
    main()
