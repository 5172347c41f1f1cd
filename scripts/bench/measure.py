"""Measuring helpers for scripts/bench.sh; run with /usr/bin/python3 -S (standard library only).

  measure.py provider ARGS...        The provider wrapper. Terraform's dev_overrides point at a shim
                                     that execs this; it runs $BENCH_PROVIDER_BIN ARGS as a child with
                                     stdio inherited (the plugin handshake goes over stdout), forwards
                                     SIGINT and SIGTERM, and appends to $BENCH_RUSAGE_FILE one JSON line
                                     with the child's own rusage from wait4 (CPU user+sys, peak RSS: the
                                     provider starts no processes, so these are its alone) and its own.
  measure.py run OUT TIMEOUT CMD...  Runs CMD (terraform) in a process group of its own, samples its
                                     VmHWM in /proc/PID/status every 10 ms, and writes wall time, rusage
                                     and peaks to OUT as JSON. After TIMEOUT seconds, or on SIGINT or
                                     SIGTERM, it stops the whole group (providers included): SIGTERM,
                                     then SIGKILL 5 s later. Exits with CMD's status, 124 on timeout.
  measure.py report DIR              Prints the table and the targets from what bench.sh collected.
  measure.py many DIR VOLUMES N      Prints the figures of the many-data-sources case.
"""

import json
import os
import resource
import signal
import statistics
import sys
import threading
import time


def provider(args):
    real = os.environ["BENCH_PROVIDER_BIN"]
    out = os.environ.get("BENCH_RUSAGE_FILE")
    start = time.monotonic()
    pid = os.posix_spawn(real, [real] + args, os.environ)
    pids = os.environ.get("BENCH_PID_FILE")
    if pids:  # so that bench.sh can stop a provider that outlives an interrupted Terraform
        with open(pids, "a") as f:
            f.write(f"{pid} {real}\n")

    # The provider's CPU time, sampled every 50 ms over the last 3 s: a plan stopped while Terraform
    # still works on the state can tell whether the provider's read had finished (it was nearly idle).
    samples, hz, at_stop = [], os.sysconf("SC_CLK_TCK"), {}

    def recent_share():
        """The provider's CPU use over the last 2 s, as a share of one CPU (None if not known)."""
        seen = list(samples)
        now = seen[-1] if seen else None
        then = next((x for x in reversed(seen) if now[0] - x[0] >= 2), None) if now else None
        return (now[1] - then[1]) / hz / (now[0] - then[0]) if then else None

    def forward(sig, _frame):
        if not at_stop:
            at_stop.update(signal=signal.Signals(sig).name, cpu_share_last_2s=recent_share())
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)

    def watch():
        while True:
            t = cpu_ticks(pid)
            if t is None:
                return
            samples.append((time.monotonic(), t))
            if len(samples) > 60:
                del samples[0]
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    _, status, ru = os.wait4(pid, 0)
    end = time.monotonic()
    own = resource.getrusage(resource.RUSAGE_SELF)
    if out:
        rec = {"bin": real, "args": args, "wall_s": end - start, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
               "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss, "status": status,
               "stopped": at_stop or None,
               "wrapper_cpu_s": own.ru_utime + own.ru_stime, "wrapper_maxrss_kb": own.ru_maxrss}
        with open(out, "a") as f:
            f.write(json.dumps(rec) + "\n")
    return os.waitstatus_to_exitcode(status) if status else 0


def cpu_ticks(pid):
    """utime+stime of pid in clock ticks, or None once it has exited."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def hwm_kb(pid):
    """VmHWM (peak resident set size) of pid alone, in kB, or None once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run(out, timeout, cmd):
    start = time.monotonic()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, setpgroup=0)
    stop = {"at": None, "why": None}

    def killpg(sig):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass

    def request_stop(why):
        if stop["at"] is None:
            stop["at"], stop["why"] = time.monotonic(), why
            killpg(signal.SIGTERM)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _f: request_stop(signal.Signals(s).name))
    hwm, samples = 0, 0
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        h = hwm_kb(pid)
        if h:
            hwm, samples = max(hwm, h), samples + 1
        now = time.monotonic()
        if timeout > 0 and now - start > timeout:
            request_stop("timeout")
        if stop["at"] is not None and now - stop["at"] > 5:
            killpg(signal.SIGKILL)
        time.sleep(0.01)
    wall = time.monotonic() - start
    if stop["at"] is not None:
        killpg(signal.SIGKILL)  # whatever Terraform left of its providers
    # ru_maxrss of a waited-for child is the largest of its own peak and its waited-for descendants'
    # (the provider wrappers and providers); VmHWM sampled from /proc is Terraform's own, but may miss
    # growth in its last 10 ms. report() picks between them.
    rec = {"cmd": cmd, "wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "tree_maxrss_kb": ru.ru_maxrss,
           "hwm_kb": hwm, "samples": samples, "status": status, "stopped": stop["why"],
           "timed_out": stop["why"] == "timeout", "timeout_s": timeout}
    with open(out, "w") as f:
        json.dump(rec, f)
    if stop["why"] == "timeout":
        return 124
    return os.waitstatus_to_exitcode(status)


# ---- report ----------------------------------------------------------------------------------------

def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def tf_own_rss(tf, provs):
    """Terraform's own peak RSS in kB, and whether it is exact.

    Terraform's wait4 ru_maxrss is max(its own peak, each descendant's peak). When it is above every
    provider's and wrapper's peak (with 20 MB to spare), it can only be Terraform's own: exact.
    Otherwise a provider was larger, and Terraform's own is the VmHWM sampled from /proc."""
    biggest_child = max([max(x["maxrss_kb"], x.get("wrapper_maxrss_kb", 0)) for x in provs] + [0])
    if tf["tree_maxrss_kb"] > biggest_child + 20 * 1024:
        return tf["tree_maxrss_kb"], True
    return max(tf["hwm_kb"], 0) or None, False


class Case:
    """The runs of one data source, path and size: per run, Terraform's record and its providers'.

    A run whose plan timed out still gives the provider's figures when the provider that did the read
    used under 10% of a CPU in the 2 s before it was stopped: its read was over, Terraform was busy."""

    def __init__(self, d, name):
        self.name = name
        self.ds, self.path, n = name.split(".")
        self.n = int(n)
        self.runs, self.partial, self.timeout_s, self.request_counts = [], [], None, []
        i = 1
        while os.path.exists(os.path.join(d, f"{name}.{i}.tf.json")):
            counted = os.path.join(d, f"{name}.{i}.requests")
            if os.path.exists(counted):
                with open(counted) as f:
                    self.request_counts.append(int(f.read().strip() or 0))
            with open(os.path.join(d, f"{name}.{i}.tf.json")) as f:
                tf = json.load(f)
            provs = load_jsonl(os.path.join(d, f"{name}.{i}.provider.jsonl"))
            if not tf.get("timed_out"):
                self.runs.append((tf, provs))
            else:
                self.timeout_s = tf["timeout_s"]
                reader = max(provs, key=lambda x: x["cpu_s"]) if provs else {}
                share = (reader.get("stopped") or {}).get("cpu_share_last_2s")
                if share is not None and share < 0.1:
                    self.partial.append((tf, provs))
            i += 1
        self.ok = bool(self.runs) and self.timeout_s is None   # the plan finished every time
        self.provider_ok = self.ok or bool(self.partial)        # the provider's figures are known

    def med(self, f):  # over the runs whose plan finished
        return median([f(tf, p) for tf, p in self.runs]) if self.ok else None

    def pmed(self, f):  # the provider's figures: over the finished runs, else the timed-out ones
        runs = self.runs if self.ok else self.partial
        return median([f(p) for _, p in runs]) if runs else None

    def requests(self):  # listing requests of the read, where counted (from the provider's debug log)
        return median(self.request_counts)

    def plan_wall(self):
        return self.med(lambda tf, p: tf["wall_s"])

    def read_cpu(self):  # the provider process that did the read: of the plan's starts, the most CPU
        return self.pmed(lambda p: max(x["cpu_s"] for x in p))

    def sum_cpu(self):
        return self.pmed(lambda p: sum(x["cpu_s"] for x in p))

    def starts(self):
        return self.pmed(len)

    def prov_rss(self):  # of the process that did the read
        return self.pmed(lambda p: max(p, key=lambda x: x["cpu_s"])["maxrss_kb"])

    def tf_rss(self):
        return self.med(lambda tf, p: tf_own_rss(tf, p)[0])

    def tf_rss_exact(self):
        return all(tf_own_rss(tf, p)[1] for tf, p in self.runs)

    def tf_cpu(self):  # Terraform's rusage includes its waited-for wrappers' and providers'
        return self.med(lambda tf, p: tf["cpu_s"] - sum(x["cpu_s"] + x.get("wrapper_cpu_s", 0) for x in p))

    def why_not(self):
        if self.timeout_s is not None:
            return f"plan timed out (> {self.timeout_s:g} s)"
        return "not run"


# What a case's path adds to its data source's name in the table.
PATH_LABELS = {
    "framework": " (framework path)",
    "snapshot": " by snapshot_id (every page)",
    "recent": " created_after (newest 1,000)",
}


def fmt_s(x):
    return "-" if x is None else f"{x:.2f} s"


def fmt_mb(kb):
    return "-" if kb is None else f"{kb / 1024:.0f} MB"


def report(d):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    sizes = meta["sizes"]
    small, large = sizes[0], sizes[-1]
    cases = {}
    for name in meta["cases"]:
        cases[name] = Case(d, name)
    floors = {n: load_jsonl(os.path.join(d, f"floor.{n}.jsonl")) for n in sizes}
    floor_wall = {n: median([r["wall_s"] for r in floors[n]]) for n in sizes}
    floor_cpu = {n: median([r["cpu_s"] for r in floors[n]]) for n in sizes}
    floor_rss = {n: median([r["maxrss_kb"] for r in floors[n]]) for n in sizes}

    print()
    print(f"make bench: {meta['tf']}; {meta['runs']} run(s) of each, medians; page size {meta['page_size']}; "
          f"{meta['cpus']} CPUs; load average {meta['load_start']} at start, {meta['load_end']} at end")
    print(f"provider: {meta['provider']}")
    print(f"framework path: {meta['framework']}")
    print()
    head = ("case", "backups", "plan wall", "prov CPU read", "prov CPU all", "starts", "prov RSS",
            "TF CPU", "TF RSS", "read/floor CPU")
    rows, notes = [], {}
    for c in cases.values():
        label = c.ds + PATH_LABELS.get(c.path, "")
        if not c.provider_ok:
            notes[len(rows)] = (label, f"{c.n:,}", c.why_not())
            rows.append(None)
            continue
        plan = fmt_s(c.plan_wall()) if c.ok else f"> {c.timeout_s:g} s !"
        tf_rss = fmt_mb(c.tf_rss()) + ("" if c.tf_rss_exact() else "*") if c.ok else "-"
        rows.append((label, f"{c.n:,}", plan, fmt_s(c.read_cpu()), fmt_s(c.sum_cpu()), f"{c.starts():g}",
                     fmt_mb(c.prov_rss()), fmt_s(c.tf_cpu()), tf_rss, f"{c.read_cpu() / floor_cpu[c.n]:.2f}x"))
    for n in sizes:
        rows.append(("floor (net/http, encoding/json maps)", f"{n:,}", fmt_s(floor_wall[n]),
                     fmt_s(floor_cpu[n]), "", "", fmt_mb(floor_rss[n]), "", "", "1.00x"))
    full = [r for r in rows if r is not None] + [head] + [n[:2] + ("",) * 8 for n in notes.values()]
    widths = [max(len(str(r[i])) for r in full) for i in range(len(head))]

    def line(r):
        return "  ".join(str(v).ljust(widths[i]) if i == 0 else str(v).rjust(widths[i]) for i, v in enumerate(r))

    print(line(head))
    print(line(["-" * w for w in widths]))
    for i, r in enumerate(rows):
        if r is None:
            label, n, why = notes[i]
            print(f"{label.ljust(widths[0])}  {n.rjust(widths[1])}  {why}")
        else:
            print(line(r))
    print()
    print("plan wall      `terraform plan -refresh=true` end to end, no state (data sources are read during plan)")
    print("prov CPU read  user+sys of the provider process that did the read (of the plan's provider starts, the")
    print("               one with the most CPU), from wait4 on it: startup, configure, page walk, decode, state")
    print("               encoding and gRPC; 'prov CPU all' sums every start, 'starts' counts them")
    print("prov RSS       peak RSS (ru_maxrss) of the provider process that did the read")
    print("TF CPU, RSS    Terraform's own: its rusage minus its providers' and wrappers'; its peak RSS exact from")
    print("               wait4 where that exceeds every provider's peak, * = VmHWM sampled from /proc every 10 ms")
    print("!              plan timed out and was stopped; its provider figures come from that run (the provider had")
    print("               finished its read: < 10% CPU in the 2 s before the stop); not run again at that size")
    print("floor          the same pages (same simulator, page size, microversion, next links) fetched with")
    print("               net/http and decoded into map[string]any, kept; timed in-process by scripts/bench/floor")
    print("               (wall, user+sys), a fresh process per run; read/floor CPU = prov CPU read / floor CPU")
    print()

    b, ids = "vbs_backups", "vbs_backup_ids"
    verdicts = []

    def target(text, value, limit, strict=False):
        """One target: value <= limit (value < limit when strict); n/a when a case did not finish."""
        if value is None or limit is None:
            # Cases that BENCH_CASES left out are skipped; a case that ran and has no figure fails.
            skipped = missing and all(m.endswith(" not run") for m in missing)
            verdicts.append(("SKIP" if skipped else "FAIL",
                             text.split(":")[0] + ": not measured (" + "; ".join(missing) + ")"))
        else:
            ok = value < limit if strict else value <= limit
            verdicts.append(("PASS" if ok else "FAIL", text.format(v=value, lim=limit) + (" !" if flagged[0] else "")))

    def get(name, provider_only=False):
        """The case, if it has the figures a target needs (provider_only: the provider's)."""
        c = cases.get(name)
        if c is None:
            missing.append(f"{name} not run")
            return None
        if c.ok or (provider_only and c.provider_ok):
            flagged[0] = flagged[0] or not c.ok
            return c
        missing.append(f"{name}: {c.why_not()}")
        return None

    missing, flagged = [], [False]
    fast, fw = get(f"{b}.fast.{small}"), get(f"{b}.framework.{small}")
    v = fast.plan_wall() if fast else None
    fw_wall = fw.plan_wall() if fw else None
    fw_case = cases.get(f"{b}.framework.{small}")
    if fast and fw is None and fw_case and fw_case.timeout_s and v <= 0.4 * fw_case.timeout_s:
        # The framework path took longer than its timeout, which is enough to decide.
        missing.clear()
        verdicts.append(("PASS", f"{b} whole plan at {small:,} <= 0.4 x framework path: {v:.2f} s <= 0.4 x "
                                 f"more than {fw_case.timeout_s:g} s (the framework path timed out)"))
    else:
        target(f"{b} whole plan at {small:,} <= 0.4 x framework path: {{v:.2f}} s <= 0.4 x "
               f"{fw_wall or 0:.2f} s = {{lim:.2f}} s" + (f" (ratio {v / fw_wall:.2f})" if v and fw_wall else ""),
               v, 0.4 * fw_wall if fw_wall else None)
    missing, flagged = [], [False]
    c = get(f"{b}.fast.{large}", provider_only=True)
    v = c.read_cpu() if c else None
    target(f"{b} provider read at {large:,} <= 3 x floor (CPU): {{v:.2f}} s <= 3 x {floor_cpu[large]:.2f} s = "
           f"{{lim:.2f}} s" + (f" (ratio {v / floor_cpu[large]:.2f})" if v else ""), v, 3 * floor_cpu[large])
    target(f"{b} provider peak RSS at {large:,} < 400 MB: {{v:.0f}} MB", c.prov_rss() / 1024 if c else None, 400,
           strict=True)
    missing, flagged = [], [False]
    c = get(f"{ids}.fast.{large}")
    v = c.plan_wall() if c else None
    target(f"{ids} at {large:,} end to end <= 2 x floor (plan wall vs floor wall): {{v:.2f}} s <= 2 x "
           f"{floor_wall[large]:.2f} s = {{lim:.2f}} s" + (f" (ratio {v / floor_wall[large]:.2f})" if v else ""),
           v, 2 * floor_wall[large])
    k = 1.1 * large / small
    for ds in (b, ids) if small != large else ():  # linearity needs two sizes
        missing, flagged = [], [False]
        s, l_ = get(f"{ds}.fast.{small}", True), get(f"{ds}.fast.{large}", True)
        sv, lv = (s.read_cpu() if s else None), (l_.read_cpu() if l_ else None)
        target(f"{ds} linear, provider CPU at {large:,} <= {k:g} x at {small:,}: {{v:.2f}} s <= {k:g} x "
               f"{sv or 0:.2f} s = {{lim:.2f}} s" + (f" (ratio {lv / sv:.2f})" if sv and lv else ""),
               lv, k * sv if sv else None)
    # The selections the provider makes itself, at the largest size.
    missing, flagged = [], [False]
    c = get(f"vbs_backup.snapshot.{large}")
    v = c.plan_wall() if c else None
    target(f"vbs_backup by snapshot_id at {large:,} (every page) whole plan <= 1.5 x floor wall: {{v:.2f}} s <= 1.5 x "
           f"{floor_wall[large]:.2f} s = {{lim:.2f}} s" + (f" (ratio {v / floor_wall[large]:.2f})" if v else ""),
           v, 1.5 * floor_wall[large])
    target(f"vbs_backup by snapshot_id at {large:,} provider peak RSS < 150 MB: {{v:.0f}} MB",
           c.prov_rss() / 1024 if c else None, 150, strict=True)
    missing, flagged = [], [False]
    c = get(f"{b}.recent.{large}")
    target(f"{b} created_after (newest 1,000 of {large:,}) listing requests <= 2: {{v:g}}", c.requests() if c else None, 2)
    full = get(f"{b}.fast.{large}")
    v, fv = (c.plan_wall() if c else None), (full.plan_wall() if full else None)
    full_case = cases.get(f"{b}.fast.{large}")
    if v is not None and full is None and full_case and full_case.timeout_s and v <= 0.1 * full_case.timeout_s:
        # The full listing took longer than its timeout, which is enough to decide.
        missing.clear()
        verdicts.append(("PASS", f"{b} created_after (newest 1,000 of {large:,}) plan <= 0.1 x full listing's: "
                                 f"{v:.2f} s <= 0.1 x more than {full_case.timeout_s:g} s (the full listing timed out)"))
    else:
        target(f"{b} created_after (newest 1,000 of {large:,}) plan <= 0.1 x full listing's: {{v:.2f}} s <= 0.1 x "
               f"{fv or 0:.2f} s = {{lim:.2f}} s" + (f" (ratio {v / fv:.3f})" if v and fv else ""),
               v, 0.1 * fv if fv else None)
    missing, flagged = [], [False]
    hostile = os.path.join(d, "hostile-page.json")
    h = json.load(open(hostile)) if os.path.exists(hostile) else None
    if h is None:
        missing.append("BenchmarkDecodeHostilePage not run")
    target(f"decoding a hostile page ({h['body_bytes']:,.0f} bytes, 10,000 copies of one tiny backup) holds <= 16 x "
           f"its bytes of live heap: {{v:.2f}} x" if h else "decoding a hostile page <= 16 x its bytes of live heap:",
           h["live_per_body_byte"] if h else None, 16)
    print("targets (! = from the provider's figures of a plan that timed out):")
    for verdict, text in verdicts:
        print(f"  {verdict}  {text}")
    print()


def many(d, volumes, n):
    """The figures of the many-data-sources case: one vbs_backup per volume beside one listing."""
    each, listing = Case(d, f"vbs_backup.many.{n}"), Case(d, f"vbs_backups.same.{n}")
    runs = len(each.runs) + len(each.partial)
    print()
    print(f"many data sources: {volumes} vbs_backup (volume_id, most_recent) beside one vbs_backups of the same "
          f"{n:,} backups; {runs} run(s), medians")
    head = ("case", "data sources", "requests", "per data source", "plan wall", "prov RSS (peak)", "TF RSS")
    rows = []
    for label, c, sources in ((f"vbs_backup x {volumes}", each, volumes), ("vbs_backups", listing, 1)):
        req = c.requests()
        rows.append((label, f"{sources:,}", "-" if req is None else f"{req:g}",
                     "-" if req is None else f"{req / sources:.2f}", fmt_s(c.plan_wall()),
                     fmt_mb(c.pmed(lambda p: max(x["maxrss_kb"] for x in p))), fmt_mb(c.tf_rss())))
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
    req = each.requests()
    met = req is not None and req <= volumes
    print(f"  {'met ' if met else 'MISS'}  requests per vbs_backup data source: "
          f"{'-' if req is None else f'{req / volumes:.2f}'} (target: 1)")
    if each.plan_wall() and listing.plan_wall():
        print(f"        plan wall of {volumes} data sources / one listing: {each.plan_wall() / listing.plan_wall():.1f}x")
    print()


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "provider":
        sys.exit(provider(args))
    if mode == "run":
        sys.exit(run(args[0], float(args[1]), args[2:]))
    if mode == "report":
        report(args[0])
        return
    if mode == "many":
        many(args[0], int(args[1]), int(args[2]))
        return
    raise SystemExit(f"measure.py: unknown mode {mode}")


if __name__ == "__main__":
    main()
