#!/usr/bin/env python3
"""Turn scripts/bench-guest's output into kct's benchmark report.

Reads the raw lines ("R FIGURE CONFIG ROUND VALUE", "I note") and writes a
human table, one machine-readable line per figure of the issue
("NAME STOCK KCT RATIO", ratio = kct/stock, medians over the rounds) and a
PNG plot of the per-packet cost against the table size.

    report.py RAW OUTDIR
"""
import statistics
import sys
from collections import defaultdict

raw, outdir = sys.argv[1], sys.argv[2]
vals = defaultdict(lambda: defaultdict(list))
notes = []
for line in open(raw, errors="replace"):
    f = line.split()
    if len(f) == 5 and f[0] == "R":
        try:
            vals[f[1]][f[2]].append(float(f[4]))
        except ValueError:
            notes.append("unreadable: " + line.strip())
    elif f and f[0] == "I":
        notes.append(line[2:].rstrip())


def med(fig, cfg):
    v = vals.get(fig, {}).get(cfg)
    return statistics.median(v) if v else None


def paired(fig):
    """Median of the per-round kct/stock ratios: drift between rounds cancels."""
    s, k = vals.get(fig, {}).get("stock", []), vals.get(fig, {}).get("kct", [])
    r = [b / a for a, b in zip(s, k) if a]
    return statistics.median(r) if r else None


def spread(fig, cfg):
    v = vals.get(fig, {}).get(cfg)
    return f"{min(v):,.0f}..{max(v):,.0f}" if v and len(v) > 1 else ""


def n(fig, cfg):
    return len(vals.get(fig, {}).get(cfg, []))


sizes = sorted(int(k[len("cost_ns_at_"):]) for k in vals if k.startswith("cost_ns_at_"))


def growth(cfg):
    if len(sizes) < 2:
        return None
    lo, hi = med(f"cost_ns_at_{sizes[0]}", cfg), med(f"cost_ns_at_{sizes[-1]}", cfg)
    return hi / lo if lo and hi else None


def human(x):
    if x is None:
        return "-"
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x < 10 else f"{x:.1f}"


# (name, unit, stock, kct, target description, test of the ratio)
figures = []
for name, unit, target, ok in [
    ("fwd_pps_1flow", "packets/s", ">= 1.0", lambda r: r >= 1.0),
    ("fwd_pps_10kflows", "packets/s", ">= 1.0", lambda r: r >= 1.0),
    ("newconn_tcp", "connections/s", ">= 1.2", lambda r: r >= 1.2),
    ("newconn_udp", "flows/s", ">= 1.2", lambda r: r >= 1.2),
]:
    figures.append((name, unit, med(name, "stock"), med(name, "kct"), med(name, "none"), target, ok))
label = f"{sizes[0]} -> {sizes[-1]} entries" if sizes else "-"
figures.append(("cost_growth_1k_to_1m", f"cost x, {label}", growth("stock"), growth("kct"), None,
                "kct growth <= 1.2", None))
figures.append(("mem_per_conn", "bytes/entry", med("mem_per_conn", "stock"), med("mem_per_conn", "kct"),
                None, "<= 1.05", lambda r: r <= 1.05))
figures.append(("gc_max_latency", "ms (max ping RTT)", med("gc_max_latency", "stock"),
                med("gc_max_latency", "kct"), None, "<= 1.0", lambda r: r <= 1.0))
figures.append(("flood_assured_kept", "1 = kept", med("flood_assured_kept", "stock"),
                med("flood_assured_kept", "kct"), None, "kct kept", None))

extra = ["flood_drops", "flood_early_drops", "gc_lag_secs"] + \
    [f"cost_ns_at_{s}" for s in sizes]

out = []
out.append("kct benchmark: medians over interleaved rounds (none / stock nf_conntrack / kct)")
out.append("figures under TCG emulation: compare ratios, not absolute speeds")
out.append("")
hdr = f"{'figure':<22} {'unit':<28} {'none':>10} {'stock':>10} {'kct':>10} {'kct/stock':>9}  {'target':<16} {'met':<4} rounds"
out.append(hdr)
out.append("-" * len(hdr))
for name, unit, s, k, nn, target, ok in figures:
    ratio = k / s if s and k is not None else None
    if name == "cost_growth_1k_to_1m":
        met = "yes" if k is not None and k <= 1.2 else "no"
    elif name == "flood_assured_kept":
        met = "yes" if k == 1 else "no"
    else:
        met = "-" if ratio is None else ("yes" if ok(ratio) else "no")
    rounds = n("cost_ns_at_%d" % sizes[-1], "kct") if name == "cost_growth_1k_to_1m" and sizes \
        else n(name, "kct")
    out.append(f"{name:<22} {unit:<28} {human(nn):>10} {human(s):>10} {human(k):>10} "
               f"{human(ratio):>9}  {target:<16} {met:<4} {rounds}")
out.append("")
out.append("per-round spread (min..max) and the median of per-round kct/stock ratios")
for name in ("fwd_pps_1flow", "fwd_pps_10kflows", "newconn_tcp", "newconn_udp"):
    out.append(f"{name:<22} none {spread(name, 'none'):<18} stock {spread(name, 'stock'):<18} "
               f"kct {spread(name, 'kct'):<18} paired ratio {human(paired(name))}")
out.append("")
out.append("supporting figures")
for name in extra:
    s, k = med(name, "stock"), med(name, "kct")
    ratio = k / s if s and k is not None else None
    out.append(f"{name:<22} {'':<28} {'':>10} {human(s):>10} {human(k):>10} {human(ratio):>9}  "
               f"{'':<16} {'':<4} {n(name, 'kct')}")
out.append("")
out.append("machine-readable: NAME STOCK KCT RATIO")
for name, unit, s, k, nn, target, ok in figures:
    ratio = k / s if s and k is not None else None
    fmt = lambda x: "nan" if x is None else (f"{x:.0f}" if abs(x) >= 100 else f"{x:.3f}")
    out.append(f"{name} {fmt(s)} {fmt(k)} {fmt(ratio)}")
out.append("")
out.append("notes from the guest")
out.extend("  " + x for x in notes)
text = "\n".join(out) + "\n"
open(f"{outdir}/results.txt", "w").write(text)
sys.stdout.write(text)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("report: no matplotlib, no plot (scripts/setup.sh installs it)")
    sys.exit(0)
if sizes:
    fig, ax = plt.subplots(figsize=(6, 4))
    for cfg, style in (("stock", "o-"), ("kct", "s-")):
        ys = [med(f"cost_ns_at_{s}", cfg) for s in sizes]
        pts = [(s, y) for s, y in zip(sizes, ys) if y]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] / 1000 for p in pts], style, label=cfg)
    ax.set_xscale("log")
    ax.set_xlabel("tracked entries")
    ax.set_ylabel("per-packet cost, µs (emulated, 1/pps)")
    ax.set_title("Forwarding cost against table size")
    ax.set_ylim(bottom=0)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(f"{outdir}/cost_vs_table_size.png", dpi=100)
    print(f"plot: {outdir}/cost_vs_table_size.png")
