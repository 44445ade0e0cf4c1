"""A mutation run: make small, realistic bugs one at a time and check that the tests catch each.

Each mutant replaces one exact snippet of a source file (it must occur exactly once) and
names the test files that should catch it.  The repository is copied once to a temporary
folder, and every mutant is applied to, run in and restored in that copy only, so a crash
or Ctrl-C never leaves a bug in the working tree.  The tests run with this interpreter:
``python -m pytest -x -q -p no:cacheprovider <files>`` in the copy, with a time limit.

    python .ci/mutate.py                  # the fresh set; exit 1 below --min (0.9)
    python .ci/mutate.py --set issue17    # the survivors listed in issue 17
    python .ci/mutate.py --only pow --list

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv", "out", "notes_out", "__pycache__", ".pytest_cache",
                                ".hypothesis", ".ruff_cache", "*.egg-info", "build")


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    group: str = "fresh"


AG = "tests/autograd/"
NN = "tests/nn/"
VZ = "tests/viz/"


def m(name: str, file: str, old: str, new: str, *tests: str, group: str = "fresh") -> Mutant:
    return Mutant(name, file, old, new, tests, group)


MUTANTS: list[Mutant] = [
    # -- the survivors issue 17 lists (the tape's and the quiz's are handled elsewhere) ----------
    m("positive-no-nan", "autograd/ops.py", "(0.0 if x <= 0 else math.nan)", "0.0",
      AG + "test_nan_paths.py", group="issue17"),
    m("div-partials-text-sign", "autograd/ops.py", '("1/y", "−x/y²")', '("1/y", "x/y²")',
      AG + "test_op_formulas.py", group="issue17"),
    m("le-strict", "autograd/value.py", "return self.data <= _data_of(other)", "return self.data < _data_of(other)",
      AG + "test_comparisons.py", group="issue17"),
    m("pow-nan-exponent-raises", "autograd/value.py", "if x < 0.0 and y == y:", "if x < 0.0:",
      AG + "test_nan_paths.py", group="issue17"),
    m("topological-p1-first", "autograd/graph.py",
      "        if p1 is not None and p1 not in done:\n            stack.append((p1, False))\n"
      "        if p0 is not None and p0 not in done:\n            stack.append((p0, False))\n",
      "        if p0 is not None and p0 not in done:\n            stack.append((p0, False))\n"
      "        if p1 is not None and p1 not in done:\n            stack.append((p1, False))\n",
      AG + "test_topological_order.py", group="issue17"),
    m("check-finite-first-partial", "autograd/graph.py", "for j, g in enumerate(node.local_grads):",
      "for j, g in enumerate(node.local_grads[:1]):", AG + "test_check_finite.py", group="issue17"),
    m("gradcheck-atol-1e-2", "autograd/gradcheck.py", "atol: float = 1e-5,", "atol: float = 1e-2,",
      AG + "test_gradcheck_tolerances.py", group="issue17"),
    m("xavier-ignores-fan-out", "nn/init.py", "a = math.sqrt(6.0 / (fan_in + fan_out))",
      "a = math.sqrt(6.0 / (fan_in + fan_in))", NN + "test_init_bounds.py", group="issue17"),
    m("cross-entropy-shift-skips-last", "nn/losses.py", "    m = max(x.data for x in xs)\n    shifted",
      "    m = max(x.data for x in xs[:-1]) if len(xs) > 1 else xs[0].data\n    shifted",
      NN + "test_loss_values.py", group="issue17"),
    m("load-into-compares-kind", "nn/io.py", "if _config(into) != config:",
      'if _config(into)["kind"] != config["kind"]:', NN + "test_load_into.py", group="issue17"),
    m("fold-drops-division-brackets", "viz/fold.py", 'return slot == 1 and outer in ("sub", "div")',
      'return slot == 1 and outer == "sub"', VZ + "test_fold_brackets.py", group="issue17"),
    m("fold-drops-brackets-under-division", "viz/fold.py", "        return mine < theirs\n",
      "        return mine < theirs and outer != \"div\"\n", VZ + "test_fold_brackets.py", group="issue17"),
    m("zero-weight-red", "viz/network.py", "NEGATIVE if w < 0 else ZERO", "NEGATIVE if w <= 0 else ZERO",
      VZ + "test_network_colours.py", group="issue17"),
    m("claim-always-true", "demos/common.py", "        holds = bool(holds)\n", "        holds = True\n",
      "tests/demos/test_claims.py", group="issue17"),
]


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["fresh", "issue17", "all"], default="fresh", dest="group",
                        help="which mutants to run (default: fresh)")
    parser.add_argument("--only", default="", help="run only mutants whose name contains this")
    parser.add_argument("--min", type=float, default=0.9, help="fail when the kill rate is below this (default 0.9)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant (default 300)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    chosen = [mu for mu in MUTANTS if (args.group == "all" or mu.group == args.group) and args.only in mu.name]
    if args.list:
        for mu in chosen:
            print(f"{mu.name:<40} {mu.file:<24} {' '.join(mu.tests)}")
        return 0
    if not chosen:
        print("no mutants chosen", file=sys.stderr)
        return 2
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
        for i, mu in enumerate(chosen, 1):
            path = copy / mu.file
            original = path.read_text(encoding="utf-8")
            if original.count(mu.old) != 1:
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
