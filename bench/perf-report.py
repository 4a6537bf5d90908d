#!/usr/bin/env python3
"""Formats `gregor perf produce --output json` results for the bench scripts.

  perf-report.py header                 prints the column header
  perf-report.py row LABEL JSON          prints one run's row
  perf-report.py medians FILE BASE [NAME=LABEL ...]
      FILE holds lines "NAME JSON"; prints each NAME's median MB/s and its ratio to BASE's median
      (NAMEs in the order given, or the file's order when none are given).
"""
import json
import statistics
import sys


def main(argv):
    if argv[1] == "header":
        print("%-36s %12s %10s %10s %10s" % ("run", "records/s", "MB/s", "p50_ms", "p99_ms"))
    elif argv[1] == "row":
        d = json.loads(argv[3])
        print("%-36s %12.0f %10.1f %10.2f %10.2f" % (argv[2], d["records_per_sec"], d["mb_per_sec"],
                                                     d["p50_ms"], d["p99_ms"]))
    elif argv[1] == "medians":
        runs = {}
        with open(argv[2]) as f:
            for line in f:
                name, js = line.split(" ", 1)
                runs.setdefault(name, []).append(json.loads(js)["mb_per_sec"])
        labels = dict(a.split("=", 1) for a in argv[4:]) or {n: n for n in runs}
        base = statistics.median(runs[argv[3]])
        for name, label in labels.items():
            m = statistics.median(runs[name])
            print(f"median {label:32s} {m:8.1f} MB/s  ratio to {labels.get(argv[3], argv[3])}: {m / base:.3f}")
    else:
        sys.exit(f"unknown command {argv[1]}")


if __name__ == "__main__":
    main(sys.argv)
