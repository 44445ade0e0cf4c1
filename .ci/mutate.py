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
# the fresh set runs each package's whole test folder, as make test would (less the tape's and the
# player's tests, which are being rewritten, and the notebook's, which start a kernel)
AGS = ("tests/autograd", "--ignore=tests/autograd/test_tape.py")
NNS = ("tests/nn",)
VZS = ("tests/viz", "--ignore=tests/viz/test_player.py", "--ignore=tests/viz/test_notebook.py")

WHY = (VZ + "test_why.py", VZ + "test_why_model.py", VZ + "test_why_bounds.py")
EXERCISE = (VZ + "test_exercise.py", VZ + "test_exercise_fallback.py")


def m(name: str, file: str, old: str, new: str, *tests: str, group: str = "fresh") -> Mutant:
    return Mutant(name, file, old, new, tests, group)


MUTANTS: list[Mutant] = [
    # -- the survivors issue 17 lists (the tape's and the quiz's are handled elsewhere) ----------
    m("positive-no-nan", "autograd/rules.py", "(0.0 if x <= 0 else math.nan)", "0.0",
      AG + "test_nan_paths.py", group="issue17"),
    m("div-partials-text-sign", "autograd/ops.py", '("1/y", "−x/y²")', '("1/y", "x/y²")',
      AG + "test_op_formulas.py", group="issue17"),
    m("le-strict", "autograd/value.py", "return self.data <= _data_of(other)", "return self.data < _data_of(other)",
      AG + "test_comparisons.py", group="issue17"),
    m("pow-nan-exponent-raises", "autograd/define.py", "if d.nan_passes and any(x != x for x in xs):",
      "if d.nan_passes and False:",
      AG + "test_nan_paths.py", group="issue17"),
    m("topological-p1-first", "autograd/value.py",
      "        if p1 is not None and p1 not in done:\n            stack.append((p1, False))\n"
      "        if p0 is not None and p0 not in done:\n            stack.append((p0, False))\n",
      "        if p0 is not None and p0 not in done:\n            stack.append((p0, False))\n"
      "        if p1 is not None and p1 not in done:\n            stack.append((p1, False))\n",
      AG + "test_topological_order.py", group="issue17"),
    m("check-finite-first-partial", "autograd/finite.py", "for j, g in enumerate(node.local_grads):",
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
    # -- a fresh set: autograd ------------------------------------------------------------------
    m("pow-zero-to-zero-refused", "autograd/ops.py", "(x != 0) | (y >= 0)", "(x != 0) | (y > 0)", *AGS),
    m("log-of-zero-unnamed", "autograd/ops.py", "Domain(lambda x: x > 0,", "Domain(lambda x: x >= 0,", *AGS),
    m("sigmoid-sign", "autograd/rules.py", "return 1.0 / (1.0 + math.exp(-x))", "return 1.0 / (1.0 + math.exp(x))",
      *AGS),
    m("relu-nan-branch-gives-zero", "autograd/value.py", 'return _node(x, "relu", self, None, x, 0.0)',
      'return _node(0.0, "relu", self, None, 0.0, 0.0)', *AGS),
    m("step-at-zero", "autograd/ops.py", "r.where(x >= 0, 1.0,", "r.where(x > 0, 1.0,", *AGS),
    m("sub-partial-sign", "autograd/value.py", 'return _node(out, "sub", self, other, 1.0, -1.0)',
      'return _node(out, "sub", self, other, 1.0, 1.0)', *AGS),
    m("mul-partials-swapped", "autograd/value.py", 'return _node(out, "mul", self, other, other.data, self.data)',
      'return _node(out, "mul", self, other, self.data, other.data)', *AGS),
    m("overflow-never-raised", "autograd/value.py",
      "    if out != out or not all(-_BIG <= x <= _BIG for x in operands):\n        return out",
      "    if True:\n        return out", *AGS),
    m("pow-fractional-check-inverted", "autograd/ops.py", "(x >= 0) | r.integral(y)", "(x >= 0) | ~r.integral(y)",
      *AGS),
    m("neg-partial-sign", "autograd/value.py", 'return _node(-self.data, "neg", self, None, -1.0, 0.0)',
      'return _node(-self.data, "neg", self, None, 1.0, 0.0)', *AGS),
    m("grad-value-never-stale", "autograd/value.py", "return gv if d == g or (d != d and g != g) else None",
      "return gv", *AGS),
    m("rsub-operands-swapped", "autograd/value.py", "        return other.__sub__(self)",
      "        return self.__sub__(other)", *AGS),
    m("pow-rule-inf-at-y-one", "autograd/ops.py", "elif xv == 0.0 and 0.0 < yv < 1.0 and not symbolic:",
      "elif xv == 0.0 and 0.0 < yv <= 1.0 and not symbolic:", *AGS),
    m("pow-rule-log-at-zero", "autograd/ops.py", "dy = out * r.log(x) if x > 0 else 0.0",
      "dy = out * r.log(x) if x >= 0 else 0.0", *AGS),
    m("tanh-rule-sign", "autograd/ops.py", "lambda x, out: (1.0 - out * out,)", "lambda x, out: (1.0 + out * out,)",
      *AGS),
    m("sigmoid-rule-sign", "autograd/ops.py", "lambda x, out: (out * (1.0 - out),)",
      "lambda x, out: (out * (1.0 + out),)", *AGS),
    m("leaky-rule-slope-partial", "autograd/ops.py", "(1.0, 0.0) if x > 0 else (s, x)",
      "(1.0, 0.0) if x > 0 else (s, 0.0)", *AGS),
    m("log-rule-sign", "autograd/ops.py", "lambda x, out: (1.0 / x,)", "lambda x, out: (-1.0 / x,)", *AGS),
    m("formula-no-brackets", "autograd/ops.py", 'expr = self.expr if " " not in self.expr else f"({self.expr})"',
      "expr = self.expr", *AGS),
    m("backward-count-off-by-one", "autograd/backward.py",
      "                p._pending = 1\n                stack.append(p)\n        p = node._p1",
      "                p._pending = 2\n                stack.append(p)\n        p = node._p1", *AGS),
    m("push-minus-one-share", "autograd/backward.py", "                share = -g\n", "                share = g\n",
      *AGS),
    m("grad-unreached-is-one", "autograd/derivatives.py", "return [float(grads.get(x, 0.0)) for x in xs]",
      "return [float(grads.get(x, 1.0)) for x in xs]", *AGS),
    m("hessian-rows-reversed", "autograd/derivatives.py", "return [grad(g, point) for g in first]",
      "return [grad(g, point) for g in reversed(first)]", *AGS),
    m("check-finite-misses-inf", "autograd/finite.py", "        if not math.isfinite(node.data):",
      "        if math.isnan(node.data):", *AGS),
    m("create-graph-drops-leaf-grads", "autograd/backward.py", "if node._p0 is None and node.grad != 0.0:",
      "if node._p0 is None and node.grad == 0.0:", *AGS),
    m("topological-no-dedup", "autograd/value.py", "        if node in done:\n            continue\n",
      "        if False:\n            continue\n", *AGS),
    m("leaf-backward-overwrites", "autograd/backward.py", "        root.grad += seed\n        return",
      "        root.grad = seed\n        return", *AGS),
    m("numerical-grad-scale", "autograd/gradcheck.py", "/ (2.0 * eps))", "/ eps)", *AGS),
    m("gradcheck-rtol-100x", "autograd/gradcheck.py", "rtol: float = 1e-3,", "rtol: float = 1e-1,", *AGS),
    m("eps-zero-accepted", "autograd/gradcheck.py", 'checks.number(eps, "eps", above=0.0)',
      'checks.number(eps, "eps", at_least=0.0)', *AGS),
    m("negative-rtol-accepted", "autograd/gradcheck.py", "if atol < 0.0 or rtol < 0.0:", "if atol < 0.0:", *AGS),
    m("gradcheck-bound-strict", "autograd/gradcheck.py", "abs(a - n) <= atol + rtol * abs(n)",
      "abs(a - n) < atol + rtol * abs(n)", *AGS),
    m("gradcheck-nonfinite-note-inverted", "autograd/gradcheck.py",
      "if not all(math.isfinite(a) for a in analytic):", "if all(math.isfinite(a) for a in analytic):", *AGS),
    m("scope-not-nested", "autograd/scopes.py", 'full = self.name if outer is None else f"{outer}/{self.name}"',
      "full = self.name", *AGS),
    m("scope-exit-outermost", "autograd/scopes.py", "for i in range(len(open_) - 1, -1, -1):",
      "for i in range(len(open_)):", *AGS),
    m("scope-constants-not-constant", "autograd/scopes.py", "_constant_now.set(open_[-1][2])",
      "_constant_now.set(open_[-1][1])", *AGS),
    # -- nn -------------------------------------------------------------------------------------
    m("he-uniform-bound", "nn/init.py", "a = math.sqrt(6.0 / fan_in)", "a = math.sqrt(3.0 / fan_in)", *NNS),
    m("he-normal-sigma", "nn/init.py", "math.sqrt(2.0 / fan_in)", "math.sqrt(1.0 / fan_in)", *NNS),
    m("xavier-normal-sigma", "nn/init.py", "math.sqrt(2.0 / (fan_in + fan_out))",
      "math.sqrt(1.0 / (fan_in + fan_out))", *NNS),
    m("uniform-half-range", "nn/init.py", "rng.uniform(-1.0, 1.0)", "rng.uniform(0.0, 1.0)", *NNS),
    m("constant-accepts-inf", "nn/init.py", 'checks.number(c, "constant()\'s c", finite=True)',
      'checks.number(c, "constant()\'s c")', *NNS),
    m("bce-floor-strict", "nn/losses.py", "if p.data <= _P_FLOOR:", "if p.data < _P_FLOOR:", *NNS),
    m("bce-logits-negative-branch-sign", "nn/losses.py", "terms.append(-x * ti + (1.0 + x.exp()).log())",
      "terms.append(x * ti + (1.0 + x.exp()).log())", *NNS),
    m("binary-target-zero-refused", "nn/losses.py",
      "        if not 0.0 <= v <= 1.0:\n            raise ValueError(f\"{who}",
      "        if not 0.0 < v <= 1.0:\n            raise ValueError(f\"{who}", *NNS),
    m("hinge-sign", "nn/losses.py", "(1.0 - v * _value(si)).relu()", "(1.0 + v * _value(si)).relu()", *NNS),
    m("mean-of-two-not-divided", "nn/losses.py", "if len(terms) > 1 else total", "if len(terms) > 2 else total",
      *NNS),
    m("bce-accuracy-at-half", "nn/losses.py", "hits = [(_data(p) > 0.5) == (_data(t) > 0.5)",
      "hits = [(_data(p) >= 0.5) == (_data(t) > 0.5)", *NNS),
    m("cross-entropy-target-range", "nn/losses.py", "if not 0 <= target < len(xs):",
      "if not 0 <= target <= len(xs):", *NNS),
    m("softmax-shift-by-min", "nn/losses.py", "    m = max(x.data for x in xs)\n    exps",
      "    m = min(x.data for x in xs)\n    exps", *NNS),
    m("momentum-ignored", "nn/optim.py", "p.data -= lr * velocity[i]", "p.data -= lr * p.grad", *NNS),
    m("momentum-one-accepted", "nn/optim.py", "at_least=0.0, below=1.0)", "at_least=0.0, at_most=1.0)", *NNS),
    m("l2-halved", "nn/train.py", "                loss = loss + l2 * sum(",
      "                loss = loss + 0.5 * l2 * sum(", *NNS),
    m("epoch-loss-not-weighted", "nn/train.py", "loss_sum += loss.data * len(idx)", "loss_sum += loss.data", *NNS),
    m("diverged-advice-swapped", "nn/train.py", "    if first:\n        advice", "    if not first:\n        advice",
      *NNS),
    m("hits-truncated", "nn/train.py", "hits + round(acc * len(idx))", "hits + int(acc * len(idx))", *NNS),
    m("save-writable-refused", "autograd/files.py", "if not mode & 0o222:", "if mode & 0o222:", *NNS),
    m("load-accepts-bools", "nn/io.py", "    if isinstance(v, bool) or not isinstance(v, (int, float)):",
      "    if not isinstance(v, (int, float)):", *NNS),
    m("neuron-count-ignores-bias", "nn/io.py", "total = nin + bias", "total = nin + 1", *NNS),
    m("moons-odd-split", "nn/datasets.py", "n_top = n // 2", "n_top = (n + 1) // 2", *NNS),
    m("noise-nan-accepted", "autograd/checks.py", "(at_least is None or v >= at_least)",
      "(at_least is None or not v < at_least)", *NNS),
    m("xor-labels-inverted", "nn/datasets.py", "(corners[idx, 0] != corners[idx, 1])",
      "(corners[idx, 0] == corners[idx, 1])", *NNS),
    m("blobs-half-circle", "nn/datasets.py", "angles = 2.0 * np.pi * np.arange(k) / k",
      "angles = np.pi * np.arange(k) / k", *NNS),
    # -- viz ------------------------------------------------------------------------------------
    m("fold-pow-brackets", "viz/fold.py", "        return True  # (a − 1)^2",
      "        return mine < theirs  # (a − 1)^2", *VZS),
    m("fold-brackets-inside-calls", "viz/fold.py", 'return outer == "" or not _CALL.match',
      "return True or not _CALL.match", *VZS),
    m("fold-shared-nodes", "viz/fold.py", "and n not in keep and consumers[n] == 1",
      "and n not in keep and consumers[n] >= 1", *VZS),
    m("folded-edge-last-factor-only", "viz/fold.py", "product *= node.local_grads[slot]",
      "product = node.local_grads[slot]", *VZS),
    m("fold-names-J-inside", "viz/fold.py", "not n.is_leaf and n is not J for n in order)",
      "not n.is_leaf for n in order)", *VZS),
    m("fmt-minus-infinity", "viz/text.py", 'return "∞" if x > 0 else "−∞"', 'return "∞"', *VZS),
    m("fmt-hyphen-minus", "viz/text.py", '.replace("-", "−")', "", *VZS),
    m("dot-html-backslash", "viz/text.py", '.replace("\\\\", "\\\\\\\\")', "", *VZS),
    m("latex-paren-index", "viz/text.py", 'return f"{base}^{{{index}}}"', 'return f"{base}_{{{index}}}"', *VZS),
    m("fence-too-short", "viz/text.py", 'fence = "`" * max(3, longest + 1)', 'fence = "`" * max(3, longest)', *VZS),
    m("pen-width-scale", "viz/network.py", "0.3 + 2.7 * size / top", "0.3 + 3.0 * size / top", *VZS),
    m("label-edges-boundary", "viz/network.py", "label_edges = weights <= LABELLED_WEIGHTS",
      "label_edges = weights < LABELLED_WEIGHTS", *VZS),
    m("summary-boundary", "viz/network.py", "if weights > max_weights:", "if weights >= max_weights:", *VZS),
    m("summary-counts-nan", "viz/network.py", "if v != 0 and not math.isnan(v))", "if v != 0)", *VZS),
    m("matches-grad-1000x", "viz/chain.py", "rel_tol=1e-9, abs_tol=1e-12", "rel_tol=1e-6, abs_tol=1e-9", *VZS),
    m("path-count-per-parent", "viz/chain.py", "n_ways += ways[p]", "n_ways += 1", *VZS),
    m("paths-past-cap", "viz/chain.py", "while stack and len(paths) < cap:", "while stack and len(paths) <= cap:",
      *VZS),
    m("numeric-line-for-one-factor", "viz/chain.py", 'numeric[0].count("(") > 1 or more',
      'numeric[0].count("(") > 0 or more', *VZS),
    m("draw-collapse-boundary", "viz/draw.py", "if len(shown) > max_nodes:", "if len(shown) >= max_nodes:", *VZS),
    m("draw-rankdir-bt", "viz/draw.py", 'if rankdir not in ("LR", "RL", "TB", "BT"):',
      'if rankdir not in ("LR", "RL", "TB"):', *VZS),
    m("render-timeout-zero", "viz/rendering.py", "or not timeout > 0:", "or timeout < 0:", *VZS),
    m("render-estimate-labels", "viz/rendering.py", "seconds * (1 + 4 * labelled / len(edges))",
      "seconds * (1 + labelled / len(edges))", *VZS),
    # -- the op table's new ops, forward mode, viz.why, the quiz, teacher exports, the tape's layout
    # (targeted test files: each runs in well under a minute)
    m("softplus-rule-threshold", "autograd/ops.py", "(r.where(x > 20.0, 1.0, r.sigmoid(x)),)",
      "(r.where(x >= 20.0, 1.0, r.sigmoid(x)),)", AG + "test_op_table.py", AG + "test_torch.py"),
    m("maximum-tie-share", "autograd/ops.py", "(r.where(x > y, 1.0, r.where(x == y, 0.5, r.where(x < y, 0.0,",
      "(r.where(x > y, 1.0, r.where(x == y, 1.0, r.where(x < y, 0.0,", AG + "test_op_table.py", AG + "test_torch.py"),
    m("sqrt-rule-factor", "autograd/ops.py", "(r.div(0.5, out),)", "(r.div(1.0, out),)",
      AG + "test_op_table.py", AG + "test_torch.py"),
    m("elu-rule-at-zero", "autograd/ops.py", "(r.where(x >= 0.0, 1.0, out + 1.0),)",
      "(r.where(x > 0.0, 1.0, out + 1.0),)",
      AG + "test_op_table.py", AG + "test_torch.py"),
    m("pow-js-log-at-zero", "autograd/ops.py", '"x > 0 ? out * Math.log(x) : 0"', '"x >= 0 ? out * Math.log(x) : 0"',
      AG + "test_op_table.py", VZ + "test_player_leaves.py",
      VZ + "test_page_numbers.py"),
    m("fwd-tangent-second-parent-dropped", "autograd/forward.py",
      "            tan[node] = node._g0 * t0 + node._g1 * t1\n", "            tan[node] = node._g0 * t0\n",
      AG + "test_forward.py"),
    m("fwd-value-minus-one-share", "autograd/forward.py", "                share = -t\n", "                share = t\n",
      AG + "test_forward.py"),
    m("fwd-choose-mode-tie", "autograd/forward.py", 'return "forward" if inputs < outputs else "reverse"',
      'return "forward" if inputs <= outputs else "reverse"', AG + "test_forward.py"),
    m("fwd-jacobian-transposed", "autograd/forward.py", "rows = [list(r) for r in zip(*columns)]",
      "rows = [list(c) for c in columns]", AG + "test_forward.py"),
    m("fwd-repeated-seed-overwrites", "autograd/forward.py",
      "seeds[x] = seeds[x] + _lift(d) if x in seeds else _lift(d)", "seeds[x] = _lift(d)", AG + "test_forward.py",
      AG + "test_forward_seeds.py"),
    m("why-tiny-bound-inclusive", "autograd/diagnosis.py", "elif abs(g) < tiny * scale:",
      "elif abs(g) <= tiny * scale:",
      *WHY),
    m("why-huge-bound-inclusive", "autograd/diagnosis.py", "elif abs(g) > huge * scale:",
      "elif abs(g) >= huge * scale:",
      *WHY),
    m("why-tiny-1000x", "autograd/diagnosis.py", "TINY, HUGE, SATURATED = 1e-8, 1e8, 1e-4",
      "TINY, HUGE, SATURATED = 1e-5, 1e8, 1e-4", *WHY),
    m("why-thresholds-equal-accepted", "autograd/diagnosis.py", "    if h <= t:\n", "    if h < t:\n",
      *WHY),
    m("why-scale-ignores-theta", "autograd/diagnosis.py", "scale = max(size, 1.0) / max(width, 1.0)",
      "scale = max(size, 1.0)", *WHY),
    m("why-saturation-inclusive", "autograd/diagnosis.py", "abs(n.local_grads[s]) < saturated]",
      "abs(n.local_grads[s]) <= saturated]", *WHY),
    m("why-path-count-verb", "viz/why.py", 'verb = "is" if d.path_count == 1 else "are"',
      'verb = "is" if d.path_count <= 2 else "are"', VZ + "test_why.py"),
    m("why-latex-dots-off-by-one", "viz/why.py", r'(r" + \dots" if len(c.terms) > 8 else "")',
      r'(r" + \dots" if len(c.terms) > 9 else "")', VZ + "test_why.py", VZ + "test_why_bounds.py"),
    # equivalent: at n = FIGURES the rounding to n figures is the one just found unequal (max(n, FIGURES)
    # = n), so "short" is false with < and with <=
    m("quiz-short-at-figures", "viz/quiz.py", "short = n < FIGURES and typed == round_figures(truth, n)",
      "short = n <= FIGURES and typed == round_figures(truth, n)", VZ + "test_quiz_rule.py"),
    m("quiz-round-one-figure-less", "viz/quiz.py", "scaleb(d.adjusted() - n + 1)", "scaleb(d.adjusted() - n)",
      VZ + "test_quiz_rule.py"),
    m("quiz-round-half-even", "viz/quiz.py", "rounding=ROUND_HALF_UP)", "rounding=ROUND_HALF_EVEN)",
      VZ + "test_quiz_rule.py"),
    # equivalent: a typed number of magnitude 10^±1000 is wrong either way; past the early return it
    # cannot equal the truth rounded (a finite nonzero float is within 10^−324 … 10^309), nor be "short"
    m("quiz-far-exponent-inclusive", "viz/quiz.py", "if abs(typed.adjusted()) > _FAR:",
      "if abs(typed.adjusted()) >= _FAR:",
      VZ + "test_quiz_rule.py"),
    m("quiz-js-round-half-up-strict", "viz/quiz.js", "if (Number(d.digits[n]) >= 5) {",
      "if (Number(d.digits[n]) > 5) {",
      VZ + "test_quiz_rule.py"),
    m("quiz-js-carry-stops-early", "viz/quiz.js", "while (i >= 0 && kept[i] === 9)", "while (i > 0 && kept[i] === 9)",
      VZ + "test_quiz_rule.py"),
    # equivalent, as quiz-short-at-figures: the page's rule is the same test in JavaScript
    m("quiz-js-short-at-figures", "viz/quiz.js", "var short = n < FIGURES &&", "var short = n <= FIGURES &&",
      VZ + "test_quiz_rule.py"),
    m("domain-js-log-zero", "autograd/ops.py", '"undefined for x <= 0 (needs x > 0)", js="x > 0"',
      '"undefined for x <= 0 (needs x > 0)", js="x >= 0"', VZ + "test_player_leaves.py", VZ + "test_page_numbers.py"),
    m("domain-js-repr-exponent-16", "viz/domain.js", "if (exp < -4 || exp >= 16) {", "if (exp < -4 || exp > 16) {",
      VZ + "test_player_leaves.py", VZ + "test_page_numbers.py"),
    m("player-quiz-more-hints", "viz/player_quiz.js", "more.disabled = q.hints >= 2;", "more.disabled = q.hints > 2;",
      VZ + "test_player_quiz.py", VZ + "test_player_quiz_counts.py"),
    m("player-quiz-first-try-count", "viz/player_quiz.js", "if (q.tries === 0 && q.hints === 0) first += 1;",
      "if (q.tries <= 1 && q.hints === 0) first += 1;", VZ + "test_player_quiz.py", VZ + "test_player_quiz_counts.py"),
    m("export-px-is-a-point", "viz/export.py", 'unit = 1.0 if m.group(2) == "pt" else 0.75',
      'unit = 1.0 if m.group(2) == "pt" else 1.0', VZ + "test_export.py",
      VZ + "test_export_units.py"),
    m("export-default-dpi-72", "viz/export.py", "per_point = (96.0 if dpi is None else dpi) / 72.0 * scale",
      "per_point = (72.0 if dpi is None else dpi) / 72.0 * scale", VZ + "test_export.py"),
    m("export-scale-zero-accepted", "viz/export.py", 'if not (0 < value < float("inf")):',
      'if not (0 <= value < float("inf")):', VZ + "test_export.py"),
    m("animation-state-one-frame-short", "viz/animation.py", "for f in self.frames[:k + 1]:",
      "for f in self.frames[:k]:",
      VZ + "test_animation.py"),
    m("animation-frame-past-end", "viz/animation.py", "if not 0 <= k < count:", "if not 0 <= k <= count:",
      VZ + "test_animation.py"),
    m("animation-share-not-added", "viz/animation.py",
      "grad[p] = local * up if before is None else before + local * up", "grad[p] = local * up",
      VZ + "test_animation.py", VZ + "test_animation_shares.py"),
    m("tikz-last-curve-dropped", "viz/tikz.py", "for i in range(1, len(pts) - 2, 3):",
      "for i in range(1, len(pts) - 3, 3):", VZ + "test_tikz.py", VZ + "test_tikz_paths.py"),
    m("tikz-transparent-drawn", "viz/tikz.py", 'if len(hexa) == 8 and hexa[6:] == "00":',
      'if len(hexa) == 8 and hexa[6:] == "FF":', VZ + "test_tikz.py", VZ + "test_tikz_paths.py"),
    m("worksheet-no-factor-question", "viz/worksheet.py", "        if len(factors) > 1:\n",
      "        if len(factors) > 2:\n", VZ + "test_exercise.py", VZ + "test_worksheet_factors.py"),
    m("exercise-fraction-two-figures", "viz/exercise.py", 'return "right" if f"{value:.2e}" == f"{truth:.2e}" else',
      'return "right" if f"{value:.1e}" == f"{truth:.1e}" else', *EXERCISE),
    m("exercise-too-few-figures-never", "viz/exercise.py", "if n < 2 and f\"{value:.{n - 1}e}\"",
      "if n < 1 and f\"{value:.{n - 1}e}\"", *EXERCISE),
    m("tape-sub-share-sign", "autograd/replay.py", 'shares = (g, g if self.op == "add" else -g)',
      'shares = (g, g if self.op == "add" else g)', AG + "test_tape.py"),
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
    parser.add_argument("--only", default="", help="run only mutants whose name contains this (or any of a,b,c)")
    parser.add_argument("--min", type=float, default=0.9, help="fail when the kill rate is below this (default 0.9)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant (default 300)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
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
