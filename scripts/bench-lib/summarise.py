#!/usr/bin/env python3
"""Reads the outputs of one scripts/bench run, prints the tables and writes the JSON.

usage: summarise.py WORKDIR RESULTS_DIR [README]

WORKDIR/params.json holds the parameters; WORKDIR/runs/ the raw outputs of each part:
  <mode>-<path>.txt, one-<path>.txt, sweep-<connections>-<path>.txt   wrk (with chat.lua's BENCH_RESULT line)
  first-<path>.json, open-<path>.json                                 OpenLoopLoad
  streams-<path>.json                                                 StreamsHeld
  acct-<run>.txt, rss-<run>.txt                                       CPU ticks and RSS samples of the processes
Writes RESULTS_DIR/bench-<UTC timestamp>.json and RESULTS_DIR/latest.json, with the issue's targets
computed from the runs; with README, puts the summary between the generated-block markers of that
file. Exits 3 when a run had errors (after writing), so the caller can say so.
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


PATH_PROCESS = {"direct": "mock", "nginx": "nginx", "gateway": "gateway"}
BEGIN = "<!-- BEGIN GENERATED: scripts/bench -->"
END = "<!-- END GENERATED: scripts/bench -->"


def read_json(name):
    try:
        with open(name) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def accounting(work, name, requests):
    """CPU time and resident memory of every watched process during one run."""
    acct = os.path.join(work, "runs", f"acct-{name}.txt")
    if not os.path.exists(acct):
        return None
    clk, wall = 100, None
    before, after, hwm = {}, {}, {}
    sys_before, sys_after, sw_before, sw_after = {}, {}, {}, {}
    with open(acct) as f:
        for line in f:
            p = line.split()
            if p[0] == "clk_tck":
                clk = int(p[1])
            elif p[0] == "ticks_before":
                before[p[1]] = int(p[2])
            elif p[0] == "ticks_after":
                after[p[1]] = int(p[2])
            elif p[0] == "sys_ticks_before":
                sys_before[p[1]] = int(p[2])
            elif p[0] == "sys_ticks_after":
                sys_after[p[1]] = int(p[2])
            elif p[0] == "switches_before":
                sw_before[p[1]] = (int(p[2]), int(p[3]))
            elif p[0] == "switches_after":
                sw_after[p[1]] = (int(p[2]), int(p[3]))
            elif p[0] == "hwm_kb":
                hwm[p[1]] = int(p[2])
            elif p[0] == "wall_ns":
                wall = int(p[1]) / 1e9
    samples = {}
    rss = os.path.join(work, "runs", f"rss-{name}.txt")
    if os.path.exists(rss):
        with open(rss) as f:
            for line in f:
                p = line.split()
                if len(p) == 2 and p[1].isdigit() and int(p[1]) > 0:
                    samples.setdefault(p[0], []).append(int(p[1]))
    out = {}
    for proc in before:
        if proc not in after:
            continue
        cpu_s = (after[proc] - before[proc]) / clk
        s = samples.get(proc, [])
        sys_s = (sys_after[proc] - sys_before[proc]) / clk if proc in sys_before and proc in sys_after else None
        switches = ([a - b for a, b in zip(sw_after[proc], sw_before[proc])]
                    if proc in sw_before and proc in sw_after else None)
        out[proc] = {
            "cpu_s": round(cpu_s, 3),
            "cpu_us_per_request": round(cpu_s * 1e6 / requests, 2) if requests else None,
            "sys_us_per_request": round(sys_s * 1e6 / requests, 2) if requests and sys_s is not None else None,
            "voluntary_switches_per_request": round(switches[0] / requests, 3) if requests and switches else None,
            "involuntary_switches_per_request": round(switches[1] / requests, 3) if requests and switches else None,
            "cpu_pct_of_one_core": round(100 * cpu_s / wall, 1) if wall else None,
            "rss_peak_kb": max(s) if s else None,
            "rss_mean_kb": round(sum(s) / len(s)) if s else None,
            "rss_samples": len(s),
            "hwm_kb": hwm.get(proc),
        }
    return {"clk_tck": clk, "wall_s": round(wall, 3) if wall else None, "processes": out}


def gc_pauses(work):
    """Stop-the-world pauses of each JVM over the whole bench, from its -Xlog:gc file; the full
    collections that the streams part asks for (jcmd GC.run: "Diagnostic Command") are left out."""
    out = {}
    for name in ("gateway", "mock"):
        path = os.path.join(work, f"gc-{name}.log")
        if not os.path.exists(path):
            continue
        pauses = []
        with open(path) as f:
            for line in f:
                if "System.gc()" in line or "Diagnostic Command" in line:
                    continue
                m = re.search(r"\[([0-9.]+)s\].*Pause .* ([0-9.]+)ms\s*$", line)
                if m:
                    pauses.append((float(m.group(2)), float(m.group(1))))
        longest = max(pauses) if pauses else (0.0, None)
        out[name] = {"pauses": len(pauses), "total_ms": round(sum(p for p, _ in pauses), 1),
                     "max_ms": round(longest[0], 1), "max_at_uptime_s": longest[1]}
    return out


def pct(d, key):
    v = (d or {}).get(key)
    return v if isinstance(v, (int, float)) else None


def added(lat, direct_lat, key):
    a, b = pct(lat, key), pct(direct_lat, key)
    return round((a - b) / 1000.0, 3) if a is not None and b is not None else None


def ratio(a, b):
    if a is None or b is None or b <= 0 or a < 0:
        return None
    return round(a / b, 3)


def targets(doc):
    """The issue's six targets, each as figures for direct, nginx and the gateway."""
    out = []
    res = doc.get("results", {})

    def add(tid, title, measure, unit, values, better, note=None):
        values = {k: v for k, v in values.items() if v is not None}
        if not values:
            return
        out.append({"id": tid, "title": title, "measure": measure, "unit": unit, "better": better,
                    "values": values, "gateway_vs_nginx": ratio(values.get("gateway"), values.get("nginx")),
                    "gateway_vs_direct": ratio(values.get("gateway"), values.get("direct")), "note": note})

    ns = res.get("nonstream", {})
    conns = doc["parameters"]["connections"]
    # The sweep runs the same load again minutes later: a second sample of the same ratio, which
    # shows how far one run of a few seconds swings on a shared machine.
    again = None
    sw = doc.get("sweep") or {}
    if sw.get("mode") == "nonstream":
        at = {p: next((r["rps"] for r in sw.get("runs", {}).get(p, []) if r["connections"] == conns), None)
              for p in ("nginx", "gateway")}
        if at["nginx"] and at["gateway"]:
            again = (f"the sweep's run at {conns} connections gave gateway/nginx "
                     f"{at['gateway'] / at['nginx']:.2f} ({at['gateway']:,.0f} against {at['nginx']:,.0f} req/s)")
    add("1", f"throughput at {conns} connections, non-streamed", "requests per second", "req/s",
        {p: round(ns[p]["rps"]) if p in ns else None for p in PATHS}, "higher", again)

    one = doc.get("one_at_a_time", {})
    d = one.get("direct", {}).get("latency_us")
    for key, sub in (("p50", "2a"), ("p99", "2b")):
        add(sub, f"one request at a time: added {key} latency", f"added {key} over direct", "ms",
            {p: added(one[p]["latency_us"], d, key) for p in ("nginx", "gateway") if p in one and d}, "lower",
            f"direct {key}: {pct(d, key) / 1000:.3f} ms" if pct(d, key) is not None else None)

    fc = doc.get("first_chunk", {})
    d = fc.get("direct", {}).get("first_chunk_us")
    for key, sub in (("p50", "3a"), ("p99", "3b")):
        add(sub, f"streamed: added {key} latency to the first chunk", f"added {key} over direct", "ms",
            {p: added(fc[p].get("first_chunk_us"), d, key) for p in ("nginx", "gateway") if p in fc and d}, "lower",
            f"direct {key}: {pct(d, key) / 1000:.3f} ms" if pct(d, key) is not None else None)

    cpu, kernel = {}, {}
    for p in PATHS:
        proc = (ns.get(p, {}).get("process") or {}).get("processes", {}).get(PATH_PROCESS[p], {})
        cpu[p] = proc.get("cpu_us_per_request")
        if p != "direct" and proc.get("sys_us_per_request") is not None:
            kernel[p] = proc["sys_us_per_request"]
    add("4", f"CPU time per request (non-streamed, {conns} connections)",
        "CPU µs per request of the proxy process (direct: the mock itself)", "µs", cpu, "lower",
        "utime+stime from /proc/PID/stat over the measured run, divided by the completed requests; nginx: master and workers"
        + ("; of it in the kernel (stime): " + ", ".join(f"{p} {v:.2f} µs" for p, v in kernel.items()) if kernel else ""))

    ol = doc.get("open_loop", {})
    d = ol.get("direct", {}).get("latency_us")
    errs = {p: ol[p].get("errors_total") for p in PATHS if p in ol}
    add("5", f"open loop {ol.get('rate', '?')} req/s for {ol.get('duration_s', '?')} s: added p99",
        "added p99 over direct (from the due time)", "ms",
        {p: added(ol[p]["latency_us"], d, "p99") for p in ("nginx", "gateway") if p in ol and d}, "lower",
        ("errors: " + ", ".join(f"{p} {e}" for p, e in errs.items())
         + (f"; direct p99: {pct(d, 'p99') / 1000:.3f} ms" if pct(d, 'p99') is not None else "")) if errs else None)

    rss = {}
    for p in PATHS:
        proc = (ns.get(p, {}).get("process") or {}).get("processes", {}).get(PATH_PROCESS[p], {})
        rss[p] = round(proc["rss_peak_kb"] / 1024, 1) if proc.get("rss_peak_kb") else None
    add("6a", "resident memory during target 1", "peak RSS (direct: the mock itself)", "MiB", rss, "lower",
        "VmRSS sampled every " + str(doc["parameters"].get("rss_interval_s", "?")) + " s; the gateway runs with the README's recommended heap (64 MiB growing to 256 MiB), the mock with a fixed 512 MiB")

    sh = doc.get("streams_held", {})
    per = {}
    parts = []
    for p in PATHS:
        r = sh.get(p)
        if not r:
            continue
        proc = r.get("processes", {}).get(PATH_PROCESS[p] if p != "direct" else "slow-mock", {})
        v = proc.get("rss_per_stream_bytes")
        if not isinstance(v, (int, float)):
            continue
        heap = proc.get("live_heap_per_stream_bytes")
        if isinstance(heap, (int, float)):
            # The JVM's heap is fixed and pre-touched, so RSS cannot see it grow: add the live heap's growth.
            per[p] = round((v + max(0, heap)) / 1024, 1)
            parts.append(f"{p}: {v / 1024:.1f} KiB RSS growth (off-heap) + {heap / 1024:.1f} KiB live-heap growth "
                         "(jcmd, after a full GC; RSS may already count part of it)")
        else:
            per[p] = round(v / 1024, 1)
    opened = {p: sh[p].get("streams_open") for p in PATHS if p in sh}
    if opened:
        parts.append("streams open: " + ", ".join(f"{p} {n}" for p, n in opened.items()))
    add("6b", f"memory per open stream ({sh.get('streams', '?')} streams held)",
        "memory growth per open stream (direct: the slow mock itself)", "KiB", per, "lower", "; ".join(parts) or None)
    return out


def fmt_num(v, digits=2):
    if v is None:
        return "-"
    if isinstance(v, float) and abs(v) >= 1000:
        return f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:.{digits}f}"


def markdown_targets(doc):
    lines = ["| # | target | unit | direct | nginx | gateway | gateway / nginx | gateway / direct | note |",
             "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for t in doc["targets"]:
        v = t["values"]
        lines.append(f"| {t['id']} | {t['title']} ({t['better']} is better) | {t['unit']} | {fmt_num(v.get('direct'))} | "
                     f"{fmt_num(v.get('nginx'))} | {fmt_num(v.get('gateway'))} | {fmt_num(t['gateway_vs_nginx'])} | "
                     f"{fmt_num(t['gateway_vs_direct'])} | {t['note'] or ''} |")
    return lines


def lat_row(name, r, key="latency_us", extra=""):
    lat = r.get(key) or {}
    return (f"| {name} | {fmt_num(r.get('rps') or r.get('achieved_rps'), 0)} | {fmt_num(ms(lat['p50']) if 'p50' in lat else None)} | "
            f"{fmt_num(ms(lat['p90']) if 'p90' in lat else None)} | {fmt_num(ms(lat['p99']) if 'p99' in lat else None)} | "
            f"{fmt_num(ms(lat['p99_9']) if 'p99_9' in lat else None)} | {r.get('errors_total', 0)} |{extra}")


def markdown_runs(doc):
    lines = []
    p = doc["parameters"]
    for mode, label in MODES:
        runs = doc["results"].get(mode)
        if not runs:
            continue
        conns = p["connections"] if mode == "nonstream" else p.get("stream_connections", p["connections"])
        lines += ["", f"**{label.capitalize()}, {conns} connections (wrk, {p['duration_s']} s)**", "",
                  "| path | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | proxy CPU µs/req | of it in the kernel | "
                  "proxy preempted /req | mock CPU µs/req | proxy peak RSS MiB |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for path in PATHS:
            r = runs.get(path)
            if not r:
                continue
            procs = (r.get("process") or {}).get("processes", {})
            proxy = procs.get(PATH_PROCESS[path], {}) if path != "direct" else {}
            mock = procs.get("mock", {})
            peak = proxy.get("rss_peak_kb")
            lines.append(lat_row(path, r, extra=f" {fmt_num(proxy.get('cpu_us_per_request'))} | "
                                 f"{fmt_num(proxy.get('sys_us_per_request'))} | "
                                 f"{fmt_num(proxy.get('involuntary_switches_per_request'), 2)} | "
                                 f"{fmt_num(mock.get('cpu_us_per_request'))} | {fmt_num(peak / 1024 if peak else None, 1)} |"))
    for key, title, field in (("one_at_a_time", "One request at a time (wrk, 1 connection)", "latency_us"),
                              ("first_chunk", "Streamed, one at a time: time to the first chunk (OpenLoopLoad)", "first_chunk_us")):
        runs = doc.get(key)
        if runs:
            lines += ["", f"**{title}**", "", "| path | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |",
                      "|---|---:|---:|---:|---:|---:|---:|"]
            lines += [lat_row(path, runs[path], field) for path in PATHS if path in runs]
    ol = doc.get("open_loop")
    if ol:
        lines += ["", f"**Open loop: {ol['rate']} req/s over {ol['connections']} connections for {ol['duration_s']} s "
                      "(OpenLoopLoad; latency from each request's due time)**", "",
                  "| path | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | CPU µs/req (proxy; direct: the mock) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for path in PATHS:
            if path in ol:
                procs = (ol[path].get("process") or {}).get("processes", {})
                cpu = procs.get(PATH_PROCESS[path], {}).get("cpu_us_per_request")
                lines.append(lat_row(path, ol[path], extra=f" {fmt_num(cpu)} |"))
    sw = doc.get("sweep")
    if sw and sw.get("runs"):
        lines += ["", f"**Concurrency sweep ({'streamed' if sw['mode'] == 'stream' else 'non-streamed'}, wrk, "
                      f"{sw['duration_s']} s each): req/s and p99 ms**", "",
                  "| connections | " + " | ".join(f"{p} req/s | {p} p99" for p in PATHS if p in sw["runs"]) + " |",
                  "|---:|" + "---:|---:|" * len([p for p in PATHS if p in sw["runs"]])]
        for c in sw["connections"]:
            cells = []
            for path in PATHS:
                if path not in sw["runs"]:
                    continue
                r = next((x for x in sw["runs"][path] if x["connections"] == c), None)
                cells += [fmt_num(r["rps"], 0) if r else "-",
                          fmt_num(ms(r["latency_us"]["p99"])) if r else "-"]
            lines.append(f"| {c} | " + " | ".join(cells) + " |")
    if doc.get("gc"):
        lines += ["", "**GC pauses over the whole bench** (`-Xlog:gc`): " + "; ".join(
            f"{name}: {g['pauses']} pauses, {g['total_ms']:,.0f} ms in all, the longest {g['max_ms']:,.1f} ms"
            for name, g in doc["gc"].items())]
    sh = doc.get("streams_held")
    if sh:
        lines += ["", f"**Streams held open ({sh['streams']} asked, slow mock: one chunk every "
                      f"{p['streams']['chunk_delay']})**", "",
                  "| path | open | process | RSS before MiB | RSS with streams MiB | KiB per stream | live heap KiB per stream |",
                  "|---|---:|---|---:|---:|---:|---:|"]
        for path in PATHS:
            r = sh.get(path)
            if not r:
                continue
            for name, proc in r.get("processes", {}).items():
                heap = proc.get("live_heap_per_stream_bytes")
                per = proc.get("rss_per_stream_bytes")
                lines.append(f"| {path} | {r.get('streams_open')} | {name} | {fmt_num(proc['rss_before_kb'] / 1024, 1)} | "
                             f"{fmt_num(proc['rss_with_streams_kb'] / 1024, 1)} | {fmt_num(per / 1024 if per is not None else None, 1)} | "
                             f"{fmt_num(heap / 1024 if heap is not None else None, 1)} |")
    return lines


def update_readme(readme, doc):
    m = doc["machine"]
    load = doc["parameters"].get("machine_load") or {}
    busy = load.get("cpu_busy_pct_before")
    quick = doc["parameters"].get("quick")
    head = [f"### Latest run: {doc['started_utc'].replace('T', ' ').replace('Z', ' UTC')}"
            f"{' (quick mode: short runs, a smoke test of the harness)' if quick else ''}", "",
            f"{m['nproc']} CPUs ({m['cpu_model']}), {m['memory_mib']} MiB; {m['java_version']}; {m['nginx_version']}; "
            f"commit {(m['git_commit'] or '?')[:12]}{' (uncommitted changes)' if m['git_dirty'] else ''}. "
            f"The CPUs were {busy}% busy just before the run (load average {load.get('loadavg_before')}, "
            f"{load.get('loadavg_after')} at the end)."]
    if doc["warnings"]:
        head += [""] + [f"- **Warning:** {w}" for w in doc["warnings"]]
    head += ["", "**These figures are noisy**: the load generators, the proxy under test and the mock upstream share "
                 f"{m['nproc']} CPUs, and one run of a few seconds swings by 10% or more from the next. "
                 "Compare the gateway with nginx measured in the same run, not with figures from another run.", ""]
    body = head + markdown_targets(doc)
    charts = []   # the files BenchCharts draws from this JSON (it runs next)
    for mode in ("nonstream", "stream"):
        if doc["results"].get(mode):
            charts.append(f"latency-{mode}")
    for key, name in (("one_at_a_time", "latency-one-at-a-time"), ("first_chunk", "latency-first-chunk"),
                      ("open_loop", "latency-open-loop")):
        if doc.get(key):
            charts.append(name)
    if doc.get("sweep"):
        charts += ["throughput-vs-connections", "p99-vs-connections"]
    charts += [f"target-{t['id']}" for t in doc["targets"]]
    body += ["", "Charts: " + ", ".join(f"[{c}](results/charts/{c}.png)" for c in charts)]
    body += markdown_runs(doc)
    try:
        with open(readme) as f:
            text = f.read()
    except OSError:
        text = "# Benchmarks\n"
    block = BEGIN + "\n" + "\n".join(body).rstrip() + "\n" + END
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(readme, "w") as f:
        f.write(text)


def main():
    work, results_dir = sys.argv[1], sys.argv[2]
    readme = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
    with open(os.path.join(work, "params.json")) as f:
        params = json.load(f)
    started = params.pop("started_utc")
    runs_dir = os.path.join(work, "runs")
    failures = []

    def wrk(name):
        path = os.path.join(runs_dir, name)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            text = f.read()
        try:
            r = parse_wrk(text)
        except ValueError as e:
            failures.append(f"{name}: {e}")
            return None
        r["wrk_output"] = [l for l in text.splitlines() if not l.startswith("BENCH_RESULT ")]
        return r

    results = {}
    for mode, _ in MODES:
        for path in PATHS:
            r = wrk(f"{mode}-{path}.txt")
            if r is None:
                continue
            r["process"] = accounting(work, f"{mode}-{path}", r["requests"])
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

    one = {p: r for p in PATHS if (r := wrk(f"one-{p}.txt")) is not None}
    first = {p: r for p in PATHS if (r := read_json(os.path.join(runs_dir, f"first-{p}.json"))) is not None}
    sweep_runs = {}
    for c in params.get("sweep", {}).get("connections", []):
        for p in PATHS:
            r = wrk(f"sweep-{c}-{p}.txt")
            if r is not None:
                sweep_runs.setdefault(p, []).append({"connections": c, "rps": r["rps"], "latency_us": r["latency_us"],
                                                     "errors_total": r["errors_total"], "requests": r["requests"]})
    open_loop = {}
    for p in PATHS:
        r = read_json(os.path.join(runs_dir, f"open-{p}.json"))
        if r is not None:
            r["process"] = accounting(work, f"open-{p}", r.get("ok", 0) + r.get("errors", {}).get("status", 0))
            open_loop[p] = r
    streams = {p: r for p in PATHS if (r := read_json(os.path.join(runs_dir, f"streams-{p}.json"))) is not None}

    info = machine()
    doc = {
        "schema": 2,
        "started_utc": started,
        "finished_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": info,
        "parameters": params,
        "results": results,
    }
    if one:
        doc["one_at_a_time"] = one
    if first:
        doc["first_chunk"] = first
    if sweep_runs:
        doc["sweep"] = {"mode": params["sweep"]["mode"], "connections": params["sweep"]["connections"],
                        "duration_s": params["sweep"]["duration_s"], "runs": sweep_runs}
    if open_loop:
        doc["open_loop"] = dict(rate=params["open_loop"]["rate"], duration_s=params["open_loop"]["duration_s"],
                                connections=params["open_loop"]["connections"], **open_loop)
    if streams:
        doc["streams_held"] = dict(streams=params["streams"]["streams"], **streams)
    gc = gc_pauses(work)
    if gc:
        doc["gc"] = gc

    errors = []
    for mode, label in MODES:
        for path, r in results.get(mode, {}).items():
            if r["errors_total"]:
                e = r["errors"]
                errors.append(f"{label} {path}: {r['errors_total']} errors of {r['requests']} requests "
                              f"(non-2xx/3xx {r['non_2xx_3xx']}, connect {e['connect']}, read {e['read']}, "
                              f"write {e['write']}, timeout {e['timeout']})")
    for name, runs in (("one at a time", one), ("first chunk", first), ("open loop", open_loop)):
        for path, r in runs.items():
            if r.get("errors_total"):
                errors.append(f"{name} {path}: {r['errors_total']} errors ({r.get('errors')})")
    for path, r in open_loop.items():
        rate = params["open_loop"]["rate"]
        if r.get("achieved_rps", 0) < 0.95 * rate:
            errors.append(f"open loop {path}: only {r['achieved_rps']:.0f} of {rate} req/s were answered in time "
                          "(the path, or the machine, could not keep up): its latencies are mostly queueing")
    for path, runs in sweep_runs.items():
        for r in runs:
            if r["errors_total"]:
                errors.append(f"sweep {path} at {r['connections']} connections: {r['errors_total']} errors "
                              f"of {r['requests']} requests")
    for path, r in streams.items():
        if r.get("streams_open", 0) < r.get("streams_asked", 0) or r.get("streams_open_after_measuring", 0) < r.get("streams_open", 0):
            errors.append(f"streams {path}: {r.get('streams_open')} of {r.get('streams_asked')} streams opened, "
                          f"{r.get('streams_open_after_measuring')} still open after measuring")

    load = params.get("machine_load") or {}
    busy = load.get("cpu_busy_pct_before")
    load_note = None
    if busy is not None and busy >= 15:
        load_note = (f"the CPUs were {busy}% busy before the bench started (load average "
                     f"{load.get('loadavg_before')}, {load.get('loadavg_after')} at the end): other work skewed these figures")
    doc["warnings"] = errors + [f"no result for {l}" for l in failures] + ([load_note] if load_note else [])
    doc["targets"] = targets(doc)

    # ---- print
    print()
    print(f"Results ({info['nproc']} CPUs: {info['cpu_model']}; the tables are also in benchmarks/README.md)")
    for line in markdown_runs(doc):
        print(line)
    print()
    print("Targets (issue #5)")
    for line in markdown_targets(doc):
        print(line)
    print()
    if info["nproc"] is not None and info["nproc"] <= 4:
        print(f"Note: only {info['nproc']} CPUs. The load generator, the proxy under test and the mock upstream share them, "
              "so the ratios say more than the absolute figures.")
    if load_note:
        print(f"WARNING: {load_note}.")
    for line in errors:
        print(f"WARNING: {line}")
    for line in failures:
        print(f"WARNING: no result for {line}")

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
    if readme:
        update_readme(readme, doc)
        print(f"Updated the summary in {os.path.relpath(readme)}")
    sys.exit(3 if errors or failures else 0)


if __name__ == "__main__":
    main()
