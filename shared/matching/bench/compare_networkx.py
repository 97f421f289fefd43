#!/usr/bin/env python3
"""Side-by-side: networkx.max_weight_matching vs mentor-matching's solver.

For each size, the Rust bench binary generates a random weighted graph file
(`matching-bench gen`), networkx solves it with maxcardinality=True (timed
around the call only), and `matching-bench file FILE --max-cardinality`
solves the same file (timed around the solver only). Prints both times, the
speedup and the weight ratio (ours / networkx) per size; the last line is
exactly `speedup=<x> weight_ratio=<y>` for the largest size run.

Usage (from the repository root, after
`CARGO_TARGET_DIR=target-matching cargo build --release -p mentor-matching`):

    python3 shared/matching/bench/compare_networkx.py
    python3 shared/matching/bench/compare_networkx.py --sizes 200:5000,1000:48700

Sizes are NODES:EDGES. networkx 3.6.1 is needed (see README.md).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

DEFAULT_SIZES = "200:5000,500:12000,1000:48700,2000:59500"


def parse_sizes(text):
    sizes = []
    for part in text.split(","):
        nodes, _, edges = part.partition(":")
        if not edges:
            raise SystemExit(f"bad size {part!r}: expected NODES:EDGES")
        sizes.append((int(nodes), int(edges)))
    return sizes


def default_bench():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    for target in ("target-matching", "target"):
        path = os.path.join(root, target, "release", "matching-bench")
        if os.path.exists(path):
            return path
    return os.path.join(root, "target-matching", "release", "matching-bench")


def read_graph(path):
    edges = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                u, v, w = line.split()
                edges.append((int(u), int(v), int(w)))
    return edges


def run_networkx(edges):
    import networkx as nx

    g = nx.Graph()
    g.add_weighted_edges_from(edges)
    start = time.perf_counter()
    matching = nx.max_weight_matching(g, maxcardinality=True)
    seconds = time.perf_counter() - start
    weight = sum(g[u][v]["weight"] for u, v in matching)
    return weight, len(matching), seconds


def run_ours(bench, path):
    out = subprocess.run(
        [bench, "file", path, "--max-cardinality"], check=True, capture_output=True, text=True
    ).stdout
    fields = dict(item.split("=", 1) for item in out.split())
    return int(fields["weight"]), int(fields["pairs"]), float(fields["seconds"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"NODES:EDGES list (default {DEFAULT_SIZES})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bench", default=default_bench(), help="path to the matching-bench binary")
    args = parser.parse_args()
    if not os.path.exists(args.bench):
        raise SystemExit(f"{args.bench} not found: build with cargo build --release -p mentor-matching")

    last = None
    with tempfile.TemporaryDirectory() as tmp:
        for nodes, edges in parse_sizes(args.sizes):
            path = os.path.join(tmp, f"g{nodes}_{edges}.txt")
            subprocess.run(
                [args.bench, "gen", "--nodes", str(nodes), "--edges", str(edges), "--seed", str(args.seed), "--out", path],
                check=True,
                capture_output=True,
            )
            nx_w, nx_pairs, nx_s = run_networkx(read_graph(path))
            our_w, our_pairs, our_s = run_ours(args.bench, path)
            speedup = nx_s / max(our_s, 1e-9)
            ratio = our_w / nx_w if nx_w else 1.0
            print(
                f"nodes={nodes} edges={edges} networkx_s={nx_s:.3f} ours_s={our_s:.4f} "
                f"speedup={speedup:.1f} weight_ratio={ratio:.6f} pairs={our_pairs}/{nx_pairs}",
                flush=True,
            )
            last = (speedup, ratio)
    if last is None:
        raise SystemExit("no sizes given")
    print(f"speedup={last[0]:.1f} weight_ratio={last[1]:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
