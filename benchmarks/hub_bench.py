"""A workshop's load on one JupyterHub: N participants spawned at once, each running notebook 05.

One hub (tests/hub/hub.py: docs/jupyterhub_config.py plus the test-only overrides, SimpleLocalProcessSpawner,
configurable-http-proxy from npm) serves, one group after another, 1 participant alone (the baseline) and
groups of N = 5, 10 and 20. For each group:
- the hub is asked to start every participant's server at once; time until all are ready;
- each participant gets the demo workbook (`infoview demo --out ~/infoview/workbook.sqlite`, in their
  own server: an invented job seeker 12 weeks into the method, more than a workshop participant holds);
- then all at once, each runs notebook 05 in a kernel of their own server, cell by cell over the kernel's
  websocket, as "Run All" in JupyterLab does (today = 2026-11-25, the demo's date);
- while they run, every 0.25 s: the resident memory (RSS) of each participant's server and kernel
  together, and their CPU time; printed per participant (peak RSS: the largest; CPU: seconds used
  and the average share of a core over the run);
- the time for all N to run notebook 05, and the failures (none allowed: the script exits 1);
- the group's servers are stopped before the next group starts.

The baseline is one participant running alone in the same run, so the ratios hold however loaded the
machine is; the script prints `uptime` before and after (the machine is shared).

Run: .venv/bin/python benchmarks/hub_bench.py [--groups 5,10,20]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.hub.hub import Hub, HubError, UserServer  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "05_follow_up_progress.ipynb"
TODAY = "2026-11-25"


def cells() -> list[str]:
    """Notebook 05's code cells as a participant runs them, with today set after the parameters cell."""
    nb = json.loads(NOTEBOOK.read_text())
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            out.append("".join(cell["source"]))
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                out.append(f"today = {TODAY!r}")
    return out


def server_process(hub: Hub, name: str) -> psutil.Process:
    for pid in hub.pids()[1:]:
        try:
            proc = psutil.Process(pid)
            if proc.environ().get("JUPYTERHUB_USER") == name and "singleuser" in " ".join(proc.cmdline()):
                return proc
        except psutil.Error:
            continue
    raise HubError(f"no server process for {name}")


def tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class Sampler(threading.Thread):
    """Every 0.25 s: the RSS of each participant's server and kernels together; keeps the peak."""

    def __init__(self, procs: dict[str, psutil.Process]) -> None:
        super().__init__(daemon=True)
        self.procs, self.peak = procs, dict.fromkeys(procs, 0)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for name, proc in self.procs.items():
                rss = 0
                for p in tree(proc):
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
                self.peak[name] = max(self.peak[name], rss)
            self.done.wait(0.25)


def cpu_seconds(proc: psutil.Process) -> float:
    total = 0.0
    for p in tree(proc):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def run_05(server: UserServer, code: list[str]) -> float:
    start = time.monotonic()
    for source in code:
        server.execute(source, timeout=900)
    return time.monotonic() - start


def group(hub: Hub, size: int, tag: str, code: list[str]) -> dict:
    names = [f"{tag}{i:02d}" for i in range(size)]
    hub.add_users(*names)
    start = time.monotonic()
    ready = hub.spawn(*names, timeout=900)
    to_ready = time.monotonic() - start
    servers = {n: hub.user(n) for n in names}
    idle = [sum(p.memory_info().rss for p in tree(server_process(hub, n))) / 2**20 for n in names]  # no kernel yet
    failures: list[str] = []
    with ThreadPoolExecutor(min(size, 4)) as pool:  # the demo workbooks: set-up, not measured
        for n, f in [(n, pool.submit(s.shell, "infoview demo --out ~/infoview/workbook.sqlite")) for n, s in
                     servers.items()]:
            try:
                f.result()
            except Exception as e:  # noqa: BLE001 - counted and printed as a failure
                failures.append(f"{n} set-up: {e}")
    procs = {n: server_process(hub, n) for n in names}
    sampler = Sampler(procs)
    cpu0 = {n: cpu_seconds(p) for n, p in procs.items()}
    sampler.start()
    start = time.monotonic()
    with ThreadPoolExecutor(size) as pool:
        futures = {n: pool.submit(run_05, s, code) for n, s in servers.items()}
        times = {}
        for n, f in futures.items():
            try:
                times[n] = f.result()
            except Exception as e:  # noqa: BLE001 - counted and printed as a failure
                failures.append(f"{n} notebook 05: {e}")
    wall = time.monotonic() - start
    cpu = {n: cpu_seconds(p) - cpu0[n] for n, p in procs.items()}  # before the sampler stops: kernels still up
    sampler.done.set()
    sampler.join()
    for n in names:
        hub.api("DELETE", f"users/{n}/server")
    wait_stopped(hub, names)
    mb = [sampler.peak[n] / 2**20 for n in names]
    return {"n": size, "ready": to_ready, "ready_each": sorted(ready.values()), "wall": wall,
            "each": sorted(times.values()), "peak_mb": mb, "idle_mb": idle, "cpu_s": list(cpu.values()),
            "failures": failures}


def wait_stopped(hub: Hub, names: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(not hub.api("GET", f"users/{n}")["servers"] for n in names):
            return
        time.sleep(0.5)
    raise HubError(f"servers of {names} not stopped after {timeout} s")


def show(r: dict, alone: dict) -> None:
    each = r["each"]
    mean_cores = [c / r["wall"] for c in r["cpu_s"]]
    print(f"N={r['n']:>2}: all ready in {r['ready']:5.1f} s (first {r['ready_each'][0]:.1f} s); notebook 05: all N "
          f"done in {r['wall']:5.1f} s ({r['wall'] / alone['wall']:.2f}x alone), each {each[0]:.1f}-{each[-1]:.1f} s "
          f"(median {each[len(each) // 2]:.1f} s); peak RSS per participant (server + kernel) "
          f"{min(r['peak_mb']):.0f}-{max(r['peak_mb']):.0f} MB (total {sum(r['peak_mb']) / 1024:.2f} GB; "
          f"the server alone {max(r['idle_mb']):.0f} MB); CPU per "
          f"participant {min(r['cpu_s']):.1f}-{max(r['cpu_s']):.1f} s (mean {sum(mean_cores) / len(mean_cores):.2f} "
          f"core); failures: {len(r['failures'])}", flush=True)
    for failure in r["failures"]:
        print("   ", failure)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", default="5,10,20", help="group sizes after the participant alone (default 5,10,20)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.groups.split(",")]
    print("uptime before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB memory")
    code = cells()
    results = []
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, Hub.running(
            Path(tmp), {"Spawner.start_timeout": 900, "Spawner.http_timeout": 900,
                        "JupyterHub.concurrent_spawn_limit": 0}) as hub:
        alone = group(hub, 1, "solo", code)
        show(alone, alone)
        for size in sizes:
            results.append(group(hub, size, f"g{size}x", code))
            show(results[-1], alone)
    print("uptime after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 1 if any(r["failures"] for r in [alone, *results]) else 0


if __name__ == "__main__":
    sys.exit(main())
