"""The fourth set of mutants ("round4"): the tape's tracing as it was rewritten for speed — the
recording made while fn runs (autograd/recording.py), the plan found over arrays
(autograd/replay.py), the schedule (autograd/layout.py) and autograd.dot (autograd/dot.py).
Part of .ci/mutants.py's list; see there for how a mutant is written."""

from __future__ import annotations

from mutants_base import AG, TAPE, Mutant, m

TRACED = TAPE + (AG + "test_recording.py", AG + "test_dot.py")


def r4(name: str, file: str, old: str, new: str) -> Mutant:
    return m(name, file, old, new, *TRACED, group="round4")


REC, PLAN, LAY, DOT = "autograd/recording.py", "autograd/replay.py", "autograd/layout.py", "autograd/dot.py"

ROUND4: list[Mutant] = [
    # the recording's node constructor and what it writes down
    r4("record-other-threads", REC, "if get_ident() != me:", "if get_ident() != get_ident():"),
    r4("record-constant-leaf-as-parameter", REC,
       "                if n._tag.constant:\n                    constant(len(nodes))",
       "                if False:\n                    constant(len(nodes))"),
    r4("record-made-leaf-unnoted", REC, "                made(len(nodes))\n", "                pass\n"),
    r4("record-operands-swapped", REC, "                    put(p0._place)\n                    put(p1._place)\n",
       "                    put(p1._place)\n                    put(p0._place)\n"),
    r4("record-place-off-by-one", REC, "            v._mark = token\n            v._place = len(nodes)\n",
       "            v._mark = token\n            v._place = len(nodes) + 1\n"),
    r4("record-void-ignored", REC, "return self._held and not self._void and", "return self._held and"),
    r4("record-other-passes-ignored", REC,
       " and not self._void and self._runs == (backward_runs[0], walk_runs[0])", " and not self._void"),
    r4("record-inner-read-unseen", REC, "                self._void = True  # the graph",
       "                pass  # the graph"),
    r4("record-input-as-weight", REC, "            elif w._place < inputs:", "            elif w._place < 0:"),
    r4("record-constant-as-weight", REC, "or w._p0 is not None or w._tag.constant or", "or w._p0 is not None or"),
    r4("record-one-term-entry", REC, "if len(ws) < 2 or", "if len(ws) < 1 or"),
    r4("record-entry-unmarked", REC, "        self.parents.append(-2)\n", "        self.parents.append(-1)\n"),
    r4("record-define-left-swapped", REC, "value._node = define._node = self._plain", "value._node = self._plain"),
    r4("walk-uncounted", PLAN, "    walk_runs[0] += 1  # (a recording", "    pass  # (a recording"),
    # the plan over arrays
    r4("plan-fold-shared-additions", PLAN, "folded = is_add & read_left & (count == 1)",
       "folded = is_add & read_left & (count >= 1)"),
    r4("plan-lift-shared-products", PLAN, '(g.op[terms] == "mul") & (count[terms] == 1)', '(g.op[terms] == "mul")'),
    r4("plan-lift-one-product", PLAN, "minlength=len(heads)) >= 2", "minlength=len(heads)) >= 1"),
    r4("plan-weights-only-on-the-right", PLAN, "first = product & param[a]", "first = product & param[b]"),
    r4("plan-no-bias", PLAN, "candidates = others[param[terms[others]]]", "candidates = others[:0]"),
    r4("plan-sum-three-terms-apart", PLAN, "summed = ~lifted & (sizes > 2)", "summed = ~lifted & (sizes > 3)"),
    r4("plan-one-front-of-dead", PLAN, "dead = read[count[read] == 0]", "dead = read[:0]"),
    r4("plan-outputs-unread", PLAN, "    count += np.bincount(g.outs, minlength=n)\n", ""),
    r4("plan-any-start-a-bias", PLAN, "is_bias = (starts >= 0) & param[np.maximum(starts, 0)]",
       "is_bias = starts >= 0"),
    r4("plan-weights-lose-rows", PLAN, "plan.rowless[param & (plan.as_weight == count)] = _WEIGHT",
       "plan.rowless[param & (plan.as_weight >= 1)] = _WEIGHT"),
    r4("plan-entries-as-leaves", PLAN, "leaves = np.flatnonzero(g.p0 == -1)", "leaves = np.flatnonzero(g.p0 < 0)"),
    r4("plan-dead-entry-terms-shifted", PLAN, "np.repeat(at[heads] - np.r_[0, np.cumsum(sizes)[:-1]], sizes)",
       "np.repeat(at[heads] - np.r_[0, np.cumsum(sizes)[1:]], sizes)"),
    r4("plan-entry-place-read", PLAN, "    P[heads, 1] = -2  #", "    pass  #"),
    # the schedule
    r4("layout-shared-weight-twice", LAY, "if not (plan.as_weight[lifted] == 1).all():", "if False:"),
    r4("layout-parameters-twice", LAY, "others = np.flatnonzero(plan.param & (position < 0))",
       "others = np.flatnonzero(plan.param)"),
    r4("layout-depth-of-row-values", LAY, "deepest[shape] = max(level[t] for t in reads.tolist())",
       "deepest[shape] = 0"),
    # dot
    r4("dot-never-one-entry", DOT, "        if taking.chain_start(ws, xs, start):", "        if False:"),
    r4("dot-inner-nodes-unmarked", DOT, "head = _sum(ws, xs, start, taking.interior)",
       "head = _sum(ws, xs, start, None)"),
    r4("dot-partials-swapped", DOT, "            t._g0 = xd\n            t._g1 = wd\n",
       "            t._g0 = wd\n            t._g1 = xd\n"),
    r4("dot-sum-overflow-unchecked", DOT, "            if s - s:\n", "            if False:\n"),
    # what a review of the tracing found (each has a test of its own in test_recording.py)
    r4("layout-ones-for-unbiased-layer", LAY, "one = ones.get(reads.tobytes()) if (biases >= 0).all() else None",
       "one = ones.get(reads.tobytes())"),
    r4("dot-overflow-terms-kept", DOT, "                taking.chain_drop()\n", "                pass\n"),
    r4("plan-start-place-read-late", PLAN, "starts = np.array(recording.chain_start_at, dtype=np.intp)",
       "starts = np.array([-1 if s is None else s._place for s in recording.chains], dtype=np.intp)"),
    r4("record-number-unlocked", REC, "        with _lock:  # (fn did not make n",
       "        with threading.Lock():  # (fn did not make n"),
    r4("record-failed-start-keeps-lock", REC, "            self._held = False\n            _one_at_a_time.release()\n",
       "            pass\n"),
]
