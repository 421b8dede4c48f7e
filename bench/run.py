"""Every benchmark in one go: `make bench` (or `python -m bench.run`). Seeds the benchmarks' own
database, prints the table, and rewrites the generated section of docs/performance.md.

    python -m bench.run [--only thread_page,fan_out] [--no-docs]
"""

import argparse
import importlib
import time

from bench import common

BENCHMARKS = ("thread_page", "fan_out", "layer_hop", "idle", "posting")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated names")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/performance.md")
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    started = time.monotonic()
    common.prepare_process()
    from bench import data

    seeded = data.seed()
    print(f"data ready in {time.monotonic() - started:.0f} s", flush=True)
    figures = []
    for name in chosen:
        began = time.monotonic()
        figures += importlib.import_module(f"bench.{name}").run(seeded)
        print(f"{name}: {time.monotonic() - began:.0f} s", flush=True)
    seconds = time.monotonic() - started
    print()
    common.print_table(figures)
    print(f"\n{seconds:.0f} s in all")
    if not args.no_docs and set(chosen) == set(BENCHMARKS):
        common.write_docs(figures, seconds)
        print(f"written: {common.DOCS.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
