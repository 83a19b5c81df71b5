"""Drives the DJL and PyTorch workers paired and interleaved (ABBA order per pair) and prints the
verdict lines. Args: java-command-json pairs threads size."""
import json, statistics, subprocess, sys

java_cmd = json.loads(sys.argv[1])
pairs, threads, size = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
here = sys.argv[5]


def start(cmd):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("worker died: %s" % cmd)
        if line.strip() == "ready":
            return p


def ask(p, cmd):
    p.stdin.write(cmd + "\n")
    p.stdin.flush()
    wall, cpu = p.stdout.readline().split()
    return float(wall), float(cpu)


ours = start(java_cmd)
ref = start(["/usr/bin/python3", here + "/reference.py", str(size), str(threads)])
results = []
for kind, batch, reps, target in [("step", 64, 1, 1.05), ("step", 128, 1, 1.05), ("feat", 128, 3, 1.10)]:
    ask(ours, "%s %d 2" % (kind, batch))  # warm-up
    ask(ref, "%s %d 2" % (kind, batch))
    wall, cpu = [], []
    for i in range(pairs):
        if i % 2 == 0:
            o = ask(ours, "%s %d %d" % (kind, batch, reps)); r = ask(ref, "%s %d %d" % (kind, batch, reps))
        else:
            r = ask(ref, "%s %d %d" % (kind, batch, reps)); o = ask(ours, "%s %d %d" % (kind, batch, reps))
        wall.append((o[0], r[0])); cpu.append((o[1], r[1]))
    name = "moco-step-b%d" % batch if kind == "step" else "features-b%d" % batch
    for what, xs in (("wall", wall), ("cpu", cpu)):
        ratios = [o / r for o, r in xs]
        print("%s %s: DJL median %.3f s, PyTorch median %.3f s; ratio median %.3f spread %.3f..%.3f over %d pairs"
              % (name, what, statistics.median(o for o, _ in xs), statistics.median(r for _, r in xs),
                 statistics.median(ratios), min(ratios), max(ratios), pairs), flush=True)
    # Verdict on CPU time of the computing thread: on a shared, oversubscribed box wall time measures
    # the scheduler; with one compute thread per side CPU time measures the work.
    results.append("RESULT %s ratio=%.3f target=%.2f" % (name, statistics.median(o / r for o, r in cpu), target))
ours.stdin.close(); ref.stdin.close()
# headline last: the training step at batch 128
order = ["features-b128", "moco-step-b64", "moco-step-b128"]
for n in order:
    for r in results:
        if r.startswith("RESULT %s " % n):
            print(r)
