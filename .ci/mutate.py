"""A mutation run: make small, realistic bugs one at a time and check that the tests catch each.

Each mutant replaces one exact snippet of a source file (it must occur exactly once) and
names the test files that should catch it.  The repository is copied once to a temporary
folder, and every mutant is applied to, run in and restored in that copy only, so a crash
or Ctrl-C never leaves a bug in the working tree.  The tests run with this interpreter:
``python -m pytest -x -q -p no:cacheprovider <files>`` in the copy, with a time limit.

    python .ci/mutate.py                  # the fresh set; exit 1 below --min (0.9)
    python .ci/mutate.py --set issue17    # the survivors listed in issue 17
    python .ci/mutate.py --only pow --list

First every distinct set of tests runs once with no mutant (``--no-baseline`` skips it): a set
that fails then would count its mutants as killed, so they are reported as errors instead.
``--check`` only checks that every snippet is still found once (after code moves).

Outcomes: killed (a test failed), timeout (counted as killed: the bug made the tests hang),
survived (every test passed), n/a (the snippet is not in the file, or not exactly once:
the mutant needs updating; not counted in the rate).  Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import MUTANTS, Mutant  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv", "out", "notes_out", "__pycache__", ".pytest_cache",
                                ".hypothesis", ".ruff_cache", "*.egg-info", "build")


def find(name: str) -> Mutant:
    return next(mu for mu in MUTANTS if mu.name == name)


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float) -> str:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1", CI="1")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode == 0:
        return "survived"
    if done.returncode in (1,):
        return "killed"
    # 2-5: pytest could not run the files (usage error, no tests): a broken mutant list
    return f"error (pytest exit {done.returncode}: {done.stdout.strip().splitlines()[-1:] or done.stderr[-200:]})"


def snippet_count(root: Path, mu: Mutant) -> int:
    path = root / mu.file
    return path.read_text(encoding="utf-8").count(mu.old) if path.exists() else 0


def baseline(copy: Path, chosen: list[Mutant], timeout: float) -> set[tuple[str, ...]]:
    """Run each distinct set of tests once on the unmutated copy; return the sets that fail.

    A set that fails with no bug in it would count every one of its mutants as killed.
    """
    red: set[tuple[str, ...]] = set()
    for tests in dict.fromkeys(mu.tests for mu in chosen):
        green = run_tests(copy, tests, timeout) == "survived"
        print(f"[baseline] {'green' if green else 'RED':<6} {' '.join(tests)}", flush=True)
        if not green:
            red.add(tests)
    return red


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["fresh", "issue17", "round3", "round4", "all"], default="fresh", dest="group",
                        help="which mutants to run (default: fresh)")
    parser.add_argument("--only", default="", help="run only mutants whose name contains this (or any of a,b,c)")
    parser.add_argument("--min", type=float, default=0.9, help="fail when the kill rate is below this (default 0.9)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant (default 300)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--check", action="store_true",
                        help="only check that each mutant's snippet is in its file exactly once, and exit")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip running each set of tests once unmutated first")
    args = parser.parse_args(argv)
    parts = args.only.split(",")
    chosen = [mu for mu in MUTANTS
              if (args.group == "all" or mu.group == args.group) and any(part in mu.name for part in parts)]
    if args.list:
        for mu in chosen:
            print(f"{mu.name:<40} {mu.file:<24} {' '.join(mu.tests)}")
        return 0
    if not chosen:
        print("no mutants chosen", file=sys.stderr)
        return 2
    if args.check:
        stale = [(mu, count) for mu in chosen if (count := snippet_count(ROOT, mu)) != 1]
        for mu, count in stale:
            print(f"n/a: {mu.name} ({mu.file}: snippet found {count} times)")
        print(f"{len(chosen) - len(stale)} of {len(chosen)} mutants apply")
        return 1 if stale else 0
    names = [mu.name for mu in MUTANTS]
    if len(set(names)) != len(names):
        print("two mutants share a name", file=sys.stderr)
        return 2
    results: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="chainrule-mutate-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=IGNORE)
        where = subprocess.run(
            [sys.executable, "-c", "import autograd, nn, viz, demos; print(autograd.__file__)"],
            cwd=copy, env=dict(os.environ, PYTHONPATH=str(copy)), capture_output=True, text=True)
        if not where.stdout.strip().startswith(str(copy)):
            print(f"the copy's packages are not the ones imported: {where.stdout or where.stderr}", file=sys.stderr)
            return 2
        red = set() if args.no_baseline else baseline(copy, chosen, args.timeout)
        for i, mu in enumerate(chosen, 1):
            path = copy / mu.file
            original = path.read_text(encoding="utf-8")
            if mu.tests in red:
                outcome = "error (its tests fail without the mutant)"
            elif original.count(mu.old) != 1:
                outcome = f"n/a (snippet found {original.count(mu.old)} times)"
            else:
                started = time.monotonic()
                path.write_text(original.replace(mu.old, mu.new), encoding="utf-8")
                try:
                    outcome = run_tests(copy, mu.tests, args.timeout)
                finally:
                    path.write_text(original, encoding="utf-8")
                outcome += f" ({time.monotonic() - started:.1f} s)"
            key = outcome.split(" ")[0]
            results.setdefault(key, []).append(mu.name)
            print(f"[{i:>2}/{len(chosen)}] {outcome:<24} {mu.name:<40} {mu.file}", flush=True)
    killed = len(results.get("killed", [])) + len(results.get("timeout", []))
    counted = killed + len(results.get("survived", []))
    rate = killed / counted if counted else 0.0
    print(f"\nkilled {killed} of {counted} ({rate:.1%}); "
          + ", ".join(f"{k}: {len(v)}" for k, v in sorted(results.items())))
    for key in ("survived", "n/a", "error"):
        if results.get(key):
            print(f"{key}: {', '.join(results[key])}")
    if results.get("error") or not counted:
        return 2
    return 0 if rate >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
