#!/usr/bin/env python3
"""Turn scripts/bench-guest's output into kct's benchmark report.

Reads the raw lines ("R FIGURE CONFIG ROUND VALUE", "I note") and writes a
human table, one machine-readable line per figure of the issue
("NAME STOCK KCT RATIO", ratio = kct/stock, medians over the rounds), per
throughput figure the tracking tax of each tracker ("tax_NAME STOCK_TAX
KCT_TAX RATIO", see tax() below) and a PNG plot of the per-packet cost
against the table size.

    report.py RAW OUTDIR
"""
import statistics
import sys
from collections import defaultdict

raw, outdir = sys.argv[1], sys.argv[2]
vals = defaultdict(lambda: defaultdict(list))
# The same values by round, for figures paired within a round.
byround = defaultdict(lambda: defaultdict(dict))
notes = []
for line in open(raw, errors="replace"):
    f = line.split()
    if len(f) == 5 and f[0] == "R":
        try:
            vals[f[1]][f[2]].append(float(f[4]))
            byround[f[1]][f[2]][f[3]] = float(f[4])
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


# The throughput figures, whose "none" column is the rate without tracking.
THROUGHPUT = ("fwd_pps_1flow", "fwd_pps_10kflows", "fwd_pps_masq", "newconn_tcp", "newconn_udp")


def tax_ratio(stock_tax, kct_tax):
    """kct's tax over stock's; None when stock costs nothing (or less)."""
    if stock_tax is None or kct_tax is None or stock_tax <= 0:
        return None
    return kct_tax / stock_tax


def tax(fig):
    """The tracking tax: the share of the no-tracking rate a tracker costs,
    1 - tracker/none.  Returns (stock tax, kct tax, kct/stock) of the
    medians, and of the rounds that measured all three configurations:
    the median stock and kct taxes, the median of the per-round ratios
    (rounds where stock's tax is not above zero have no ratio and are
    left out) and how many rounds gave a ratio out of how many."""
    nn, s, k = med(fig, "none"), med(fig, "stock"), med(fig, "kct")
    st = 1 - s / nn if nn and s is not None else None
    kt = 1 - k / nn if nn and k is not None else None
    r = byround.get(fig, {})
    rounds = [x for x in r.get("none", {}) if x in r.get("stock", {}) and x in r.get("kct", {})
              and r["none"][x] > 0]
    sts = [1 - r["stock"][x] / r["none"][x] for x in rounds]
    kts = [1 - r["kct"][x] / r["none"][x] for x in rounds]
    ratios = [q for q in (tax_ratio(a, b) for a, b in zip(sts, kts)) if q is not None]
    paired = (statistics.median(sts) if sts else None, statistics.median(kts) if kts else None,
              statistics.median(ratios) if ratios else None, len(ratios), len(rounds))
    return (st, kt, tax_ratio(st, kt)), paired


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
    ("fwd_pps_masq", "packets/s", ">= 1.0", lambda r: r >= 1.0),
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
big = f"{sizes[-1]:,}" if sizes else "?"
figures.append(("list_1m_secs", f"s, listing {big} entries", med("list_1m_secs", "stock"),
                med("list_1m_secs", "kct"), None, "none set", None))
figures.append(("events_per_sec", "NEW+DESTROY/s, none lost", med("events_per_sec", "stock"),
                med("events_per_sec", "kct"), None, "none set", None))
figures.append(("destroy_delay_ms_median", f"ms from expiry, {big}", med("destroy_delay_ms_median", "stock"),
                med("destroy_delay_ms_median", "kct"), None, "none set", None))
figures.append(("destroy_delay_ms_worst", f"ms from expiry, {big}", med("destroy_delay_ms_worst", "stock"),
                med("destroy_delay_ms_worst", "kct"), None, "none set", None))
# The issue sets no target for these four: kct against stock, reported.
# Figures measured by a part of the run that can fail or be skipped: a
# missing one is said so, not left to a dash in the table.
CHECKED = ("list_1m_secs", "events_per_sec", "destroy_delay_ms_median", "destroy_delay_ms_worst")

extra = ["flood_drops", "flood_early_drops", "gc_lag_secs"] + \
    [f"cost_ns_at_{s}" for s in sizes]

out = []
out.append("kct benchmark: medians over interleaved rounds (none / stock nf_conntrack / kct)")
out.append("figures under TCG emulation: compare ratios, not absolute speeds")
out.append("")
hdr = f"{'figure':<24} {'unit':<28} {'none':>10} {'stock':>10} {'kct':>10} {'kct/stock':>9}  {'target':<16} {'met':<4} rounds"
out.append(hdr)
out.append("-" * len(hdr))
for name, unit, s, k, nn, target, ok in figures:
    ratio = k / s if s and k is not None else None
    if name == "cost_growth_1k_to_1m":
        met = "yes" if k is not None and k <= 1.2 else "no"
    elif name == "flood_assured_kept":
        met = "yes" if k == 1 else "no"
    else:
        met = "-" if ratio is None or ok is None else ("yes" if ok(ratio) else "no")
    rounds = n("cost_ns_at_%d" % sizes[-1], "kct") if name == "cost_growth_1k_to_1m" and sizes \
        else n(name, "kct")
    out.append(f"{name:<24} {unit:<28} {human(nn):>10} {human(s):>10} {human(k):>10} "
               f"{human(ratio):>9}  {target:<16} {met:<4} {rounds}")
for name in CHECKED:
    for cfg in ("stock", "kct"):
        if med(name, cfg) is None:
            out.append(f"n/a: {name} {cfg}: not measured (skipped, or failed: see the notes below)")
out.append("")
out.append("per-round spread (min..max) and the median of per-round kct/stock ratios")
for name in THROUGHPUT:
    out.append(f"{name:<22} none {spread(name, 'none'):<18} stock {spread(name, 'stock'):<18} "
               f"kct {spread(name, 'kct'):<18} paired ratio {human(paired(name))}")
out.append("")
out.append("tracking tax (1 - tracker/none): medians, then paired (from each round's own none,")
out.append("stock and kct; the ratio is the median of the per-round kct/stock tax ratios)")
hdr = f"{'figure':<22} {'stock tax':>9} {'kct tax':>9} {'kct/stock':>9}  {'paired: stock':>13} {'kct':>7} " \
      f"{'kct/stock':>9} {'rounds':>7}  target <= 0.8"
out.append(hdr)
out.append("-" * len(hdr))
pct = lambda x: "-" if x is None else f"{100 * x:.1f}%"
rat = lambda x: "n/a" if x is None else f"{x:.2f}"
taxes = {name: tax(name) for name in THROUGHPUT}
for name, ((st, kt, q), (pst, pkt, pq, nq, nr)) in taxes.items():
    met = "-" if q is None else ("yes" if q <= 0.8 else "no")
    out.append(f"{name:<22} {pct(st):>9} {pct(kt):>9} {rat(q):>9}  {pct(pst):>13} {pct(pkt):>7} "
               f"{rat(pq):>9} {f'{nq}/{nr}':>7}  {met}")
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
out.append("machine-readable tax: tax_NAME STOCK_TAX KCT_TAX RATIO (medians), then")
out.append("tax_paired_NAME STOCK_TAX KCT_TAX RATIO (per round); RATIO n/a: stock's tax <= 0")
fmt_tax = lambda x: "nan" if x is None else f"{x:.3f}"
# No figure: nan, as above; a stock tax of zero or less: n/a.
fmt_q = lambda st, kt, q: "nan" if st is None or kt is None else ("n/a" if q is None else f"{q:.3f}")
for name, ((st, kt, q), (pst, pkt, pq, nq, nr)) in taxes.items():
    out.append(f"tax_{name} {fmt_tax(st)} {fmt_tax(kt)} {fmt_q(st, kt, q)}")
for name, ((st, kt, q), (pst, pkt, pq, nq, nr)) in taxes.items():
    out.append(f"tax_paired_{name} {fmt_tax(pst)} {fmt_tax(pkt)} {fmt_q(pst, pkt, pq)}")
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
