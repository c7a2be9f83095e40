#!/usr/bin/env python3
"""Reads the wrk outputs of one scripts/bench run, prints the table and writes the JSON.

usage: summarise.py WORKDIR RESULTS_DIR

WORKDIR/runs/<mode>-<path>.txt hold wrk's output (its text report and the BENCH_RESULT line
from chat.lua); WORKDIR/params.json holds the parameters. Writes
RESULTS_DIR/bench-<UTC timestamp>.json and RESULTS_DIR/latest.json. Exits 3 when a run had
errors (after writing), so the caller can say so.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

MODES = [("nonstream", "non-streamed"), ("stream", "streamed")]
PATHS = ["direct", "nginx", "gateway"]


def parse_wrk(text):
    """The BENCH_RESULT line, plus the figures of wrk's text report as a cross-check."""
    result = None
    for line in text.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line[len("BENCH_RESULT "):])
    if result is None:
        raise ValueError("no BENCH_RESULT line in wrk's output")
    m = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    result["rps_reported"] = float(m.group(1)) if m else None
    # wrk counts a status of 400 or more as a "status" error and reports the same count as
    # "Non-2xx or 3xx responses".
    result["non_2xx_3xx"] = result["errors"]["status"]
    secs = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / secs if secs > 0 else 0.0
    result["errors_total"] = sum(result["errors"].values())
    return result


def run(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout + out.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return None


def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    java = os.environ.get("JAVA_HOME", "")
    java_version = run([os.path.join(java, "bin", "java") if java else "java", "-version"])
    wrk_version = run(["wrk", "--version"])
    nginx_version = run(["nginx", "-v"])
    mem_kb = None
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    commit = run(["git", "rev-parse", "HEAD"])
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "hostname": platform.node(),
        "kernel": platform.release(),
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "memory_mib": mem_kb // 1024 if mem_kb else None,
        "java_version": java_version.splitlines()[0] if java_version else None,
        "java_home": java or None,
        "wrk_version": wrk_version.splitlines()[0] if wrk_version else None,
        "nginx_version": nginx_version.splitlines()[0] if nginx_version else None,
        "git_commit": commit if commit and re.fullmatch(r"[0-9a-f]{40}", commit) else None,
        "git_dirty": bool(dirty) if dirty is not None else None,
    }


def ms(us):
    return us / 1000.0


def main():
    work, results_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(work, "params.json")) as f:
        params = json.load(f)
    started = params.pop("started_utc")
    results = {}
    failures = []
    for mode, _ in MODES:
        for path in PATHS:
            name = os.path.join(work, "runs", f"{mode}-{path}.txt")
            if not os.path.exists(name):
                continue
            with open(name) as f:
                text = f.read()
            try:
                r = parse_wrk(text)
            except ValueError as e:
                failures.append(f"{mode}/{path}: {e}")
                continue
            r["wrk_output"] = [l for l in text.splitlines() if not l.startswith("BENCH_RESULT ")]
            results.setdefault(mode, {})[path] = r

    for mode in results:
        direct = results[mode].get("direct")
        for path, r in results[mode].items():
            if path == "direct" or direct is None:
                continue
            r["vs_direct"] = {
                "rps_ratio": round(r["rps"] / direct["rps"], 4) if direct["rps"] else None,
                "added_p50_ms": round(ms(r["latency_us"]["p50"] - direct["latency_us"]["p50"]), 3),
                "added_p99_ms": round(ms(r["latency_us"]["p99"] - direct["latency_us"]["p99"]), 3),
            }

    info = machine()
    header = (f"{'run':<13}{'path':<9}{'RPS':>10}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'RPS/direct':>12}{'+p50 ms':>9}{'+p99 ms':>9}{'errors':>8}")
    print()
    conns = f"{params['connections']} connections"
    if params.get("stream_connections", params["connections"]) != params["connections"]:
        conns += f" ({params['stream_connections']} streamed)"
    print(f"Results ({conns}, {params['threads']} wrk threads, "
          f"{params['duration_s']} s measured after {params['warmup_s']} s warm-up; "
          f"{info['nproc']} CPUs: {info['cpu_model']})")
    print(header)
    print("-" * len(header))
    errors = []
    for mode, label in MODES:
        if mode not in results:
            continue
        for i, path in enumerate(PATHS):
            r = results[mode].get(path)
            if r is None:
                continue
            lat = r["latency_us"]
            v = r.get("vs_direct")
            ratio = f"{v['rps_ratio']:.2f}" if v and v["rps_ratio"] is not None else "-"
            a50 = f"{v['added_p50_ms']:+.2f}" if v else "-"
            a99 = f"{v['added_p99_ms']:+.2f}" if v else "-"
            print(f"{label if i == 0 else '':<13}{path:<9}{r['rps']:>10.0f}{ms(lat['p50']):>9.2f}{ms(lat['p99']):>9.2f}"
                  f"{ratio:>12}{a50:>9}{a99:>9}{r['errors_total']:>8}")
            if r["errors_total"]:
                e = r["errors"]
                errors.append(f"{label} {path}: {r['errors_total']} errors of {r['requests']} requests "
                              f"(non-2xx/3xx {r['non_2xx_3xx']}, connect {e['connect']}, read {e['read']}, "
                              f"write {e['write']}, timeout {e['timeout']})")
    print()
    if info["nproc"] is not None and info["nproc"] <= 4:
        print(f"Note: only {info['nproc']} CPUs. wrk, the proxy under test and the mock upstream share them, "
              "so the ratios say more than the absolute figures.")
    load = params.get("machine_load") or {}
    busy = load.get("cpu_busy_pct_before")
    load_note = None
    if busy is not None and busy >= 15:
        load_note = (f"the CPUs were {busy}% busy before the bench started (load average "
                     f"{load.get('loadavg_before')}, {load.get('loadavg_after')} at the end): other work skewed these figures")
        print(f"WARNING: {load_note}.")
    for line in errors:
        print(f"WARNING: {line}")
    for line in failures:
        print(f"WARNING: no result for {line}")

    doc = {
        "schema": 1,
        "started_utc": started,
        "finished_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": info,
        "parameters": params,
        "results": results,
        "warnings": errors + [f"no result for {l}" for l in failures] + ([load_note] if load_note else []),
    }
    os.makedirs(results_dir, exist_ok=True)
    stamp = started.replace("-", "").replace(":", "")
    target = os.path.join(results_dir, f"bench-{stamp}.json")
    for name in (target, os.path.join(results_dir, "latest.json")):
        tmp = name + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, name)
    shown = os.path.relpath(target)
    print(f"Wrote {target if shown.startswith('..') else shown} (and latest.json)")
    sys.exit(3 if errors or failures else 0)


if __name__ == "__main__":
    main()
