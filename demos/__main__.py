"""python -m demos [NAME|all] [--out DIR] [--quick] [--seed N]"""

from __future__ import annotations

import argparse
import sys
import time

import viz

from . import NAMES, load
from .common import ClaimFailed, out_folder
from .page import build


def _listing() -> str:
    lines = ["The demos (python -m demos NAME, or all):"]
    for name in NAMES:
        lines.append(f"  {name:<14} {load(name).SUMMARY}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demos",
        description="The session-1 notes re-made live. With no NAME, list the demos.",
    )
    parser.add_argument("name", nargs="?", help="a demo's name, or 'all' to run every demo and build index.html")
    parser.add_argument("--out", default="out", help="folder for the figures and the page (default: out)")
    parser.add_argument("--quick", action="store_true", help="smaller runs, for tests (all demos in seconds)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data and weights (default 0)")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be >= 0, got {args.seed}")
    if args.name is None:
        print(_listing())
        return 0
    if args.name != "all" and args.name not in NAMES:
        print(f"error: unknown demo {args.name!r}\n{_listing()}", file=sys.stderr)
        return 2
    if not args.out.strip():
        parser.error("--out needs a folder name (it is empty)")
    # what can be checked is checked before any work starts
    try:
        out = out_folder(args.out)
        if args.name == "all" and (out / "index.html").is_dir():
            raise IsADirectoryError(f"{out / 'index.html'} is a folder, so the page cannot be written there")
        if viz.find_renderer() is None:
            raise viz.RenderError(
                "no graph renderer: install graphviz-pure (pip install graphviz-pure) or Graphviz's dot "
                "(apt-get install graphviz); `make demo` installs graphviz-pure for you"
            )
    except (OSError, viz.RenderError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    names = list(NAMES) if args.name == "all" else [args.name]
    try:
        for name in names:
            module = load(name)
            print(f"\n=== {module.TITLE} ({name}) ===")
            start = time.perf_counter()
            module.run(out, quick=args.quick, seed=args.seed)
            print(f"({name}: {time.perf_counter() - start:.1f} s)")
        if args.name == "all":
            page = build(out, names)
            print(f"\nThe page: {page.resolve()}")
    except (ClaimFailed, OSError, viz.RenderError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
