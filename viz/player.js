// chainrule's step-through player: replays forward and backward frame by frame on the drawn graph.
// The op rules come from the engine's table (autograd.OPS[...].js), sent in the page's data.
(function () {
  "use strict";
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector(".cr-data").textContent);
  var nodes = data.nodes, frames = data.frames, names = data.names;
  var quiz = root.dataset.quiz === "on";
  // forward mode (data.mode === "forward"): tangents ż = ∂z/∂wrt carried up instead of grads down
  var forward = data.mode === "forward", wrt = data.wrt;
  var players = Array.prototype.slice.call(document.querySelectorAll(".chainrule-player"));
  var key = "cr" + players.indexOf(root);

  function num(v) {
    if (typeof v !== "string") return v;
    return v === "inf" ? Infinity : v === "-inf" ? -Infinity : NaN;
  }
  function plus(a, b) {  // a + b written as a sum, a − 0.04 rather than a + −0.04 (viz.text.plus)
    return fmt(a) + (b < 0 || Object.is(b, -0) ? " − " + fmt(-b) : " + " + fmt(b));
  }
  function fmt(x) {  // like viz.fmt: 4 significant digits, a true minus sign
    if (x === undefined) return "?";
    if (isNaN(x)) return "nan";
    if (!isFinite(x)) return x > 0 ? "∞" : "−∞";
    if (x === 0) return "0";
    var s = Number(x.toPrecision(4)).toString();
    if (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e16) s = Number(x.toPrecision(4)).toExponential();
    return s.replace(/-/g, "−");
  }
  function full(x) { return x === undefined ? "" : String(x); }  // every digit, for data-value and data-grad

  // -- numbers: the engine's own, until a leaf is edited; then recomputed here with the op table
  var fns = {};
  Object.keys(data.ops).forEach(function (op) {
    fns[op] = data.ops[op].map(function (expr) {
      return new Function("x", "y", "out", "return (" + expr + ");");
    });
  });
  var vals = nodes.map(function (n) { return num(n.value); });
  var locals = nodes.map(function (n) { return n.locals.map(num); });
  var edited = {};
  function recompute() {
    nodes.forEach(function (n, i) {
      if (!n.op) { vals[i] = i in edited ? edited[i] : num(n.value); return; }
      var x = vals[n.parents[0]], y = n.parents.length > 1 ? vals[n.parents[1]] : undefined;
      var f = fns[n.op], out = f[0](x, y, undefined);
      vals[i] = out;
      locals[i] = n.parents.map(function (_, s) { return f[s + 1](x, y, out); });
    });
  }

  // -- questions (quiz mode): one per drawn parent a backward frame writes to
  var questions = [];
  frames.forEach(function (f, k) {
    if (forward) {  // one per drawn node a tangent frame writes
      if (f.kind === "tangent" && nodes[f.node].drawn && !nodes[f.node].constant) {
        questions.push({frame: k, node: f.node, state: "open", tries: 0, hints: 0});
      }
      return;
    }
    if (f.kind !== "backward") return;
    var seen = {};
    f.parents.forEach(function (p) {
      var n = nodes[p];
      if (n.constant || !n.drawn || seen[p]) return;
      seen[p] = true;
      questions.push({frame: k, node: p, state: "open", tries: 0, hints: 0});
    });
  });
  function open(k) {
    return questions.filter(function (q) { return q.frame === k && q.state === "open"; });
  }

  // -- replay to frame k: what is known, and each gradient so far
  var at = 0;
  function replay(k) {
    var known = {}, grad = {};
    for (var j = 0; j <= k; j++) {
      var f = frames[j];
      if (forward && f.kind !== "forward") { tangentStep(f, grad); continue; }
      if (f.kind === "forward") known[f.node] = true;
      else if (f.kind === "seed") grad[f.node] = 1;
      else f.parents.forEach(function (p, u) {
        var share = locals[f.node][f.slots[u]] * grad[f.node];
        grad[p] = p in grad ? grad[p] + share : share;
      });
    }
    if (quiz) open(k).forEach(function (q) { delete grad[q.node]; });  // hidden until answered
    return {known: known, grad: grad};
  }

  // forward mode's seed: θ̇ = 1, every other leaf held fixed (0); a tangent frame: ż = Σ ∂z/∂p · ṗ
  function tangentStep(f, tan) {
    if (f.kind === "seed") {
      nodes.forEach(function (n, i) { if (!n.op) tan[i] = 0; });
      tan[f.node] = 1;
      return;
    }
    var total;
    f.parents.forEach(function (p, u) {
      var term = locals[f.node][f.slots[u]] * tan[p];
      total = total === undefined ? term : total + term;
    });
    tan[f.node] = total === undefined ? 0 : total;
  }
  function dotted(name) {  // ż, θ̇1: a combining dot on the first letter; ∂[a3 − 1]/∂θ1 for a folded name
    return /^[A-Za-z\u0370-\u03ff]/.test(name) ? name[0] + "\u0307" + name.slice(1) : "∂" + name + "/∂" + names[wrt];
  }
  function rowWord(i) { return forward ? "∂" + names[i] + "/∂" + names[wrt] + " =" : "grad"; }
  function describeTangent(k) {
    var f = frames[k], n = nodes[f.node], name = names[f.node], w = names[wrt];
    if (f.kind === "seed") return dotted(w) + " = ∂" + w + "/∂" + w + " = 1: forward mode starts at " + w +
      " (every other leaf is held fixed, its tangent 0)";
    if (!f.parents.length) return dotted(name) + " = 0: " + name + " does not depend on " + w;
    var state = replay(k - 1), hidden = quiz && open(k).some(function (q) { return q.node === f.node; });
    var symbols = [], formulas = [], numbers = [];
    f.parents.forEach(function (p, u) {
      symbols.push("∂" + name + "/∂" + names[p] + " · " + dotted(names[p]));
      formulas.push("(" + n.partials[f.slots[u]] + ") × " + fmt(state.grad[p]));
      numbers.push(fmt(locals[f.node][f.slots[u]]) + " × " + fmt(state.grad[p]));
    });
    var t = replay(k).grad[f.node];
    return dotted(name) + " = " + symbols.join(" + ") + " = " + formulas.join(" + ") + " = " + numbers.join(" + ") +
      (hidden ? "   → ?" : " = " + fmt(t) + "   (∂" + name + "/∂" + w + ")");
  }

  var boxes = {};
  Array.prototype.forEach.call(root.querySelectorAll("[data-node]"), function (g) {
    boxes[g.dataset.node] = g;
    // the value and gradient rows are rewritten as the frames go: centre them in their box
    var shape = g.querySelector("polygon, path");
    if (!shape || !shape.getBBox) return;
    var box = shape.getBBox(), middle = box.x + box.width / 2;
    Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
      if (/^(data|grad) /.test(t.textContent) || t.textContent.indexOf("∂") === 0) { t.setAttribute("x", middle); t.setAttribute("text-anchor", "middle"); }
    });
  });
  function setRow(g, word, text) {
    Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
      if (t.textContent.indexOf(word + " ") === 0) t.textContent = word + " " + text;
    });
  }

  function describe(k) {
    var f = frames[k], n = nodes[f.node], name = names[f.node];
    if (forward && f.kind !== "forward") return describeTangent(k);
    if (f.kind === "forward") {
      return n.op ? name + " = " + n.expr + " = " + fmt(vals[f.node]) : name + " = " + fmt(vals[f.node]) + "  (a leaf)";
    }
    if (f.kind === "seed") return "∂" + name + "/∂" + name + " = 1: backward starts at " + name;
    var state = replay(k - 1), lines = [];
    f.parents.forEach(function (p, u) {
      if (nodes[p].constant) return;  // a constant's gradient is computed, but nobody reads it
      var local = locals[f.node][f.slots[u]], up = state.grad[f.node];
      var before = state.grad[p];
      state.grad[p] = p in state.grad ? state.grad[p] + local * up : local * up;
      var hidden = quiz && open(k).some(function (q) { return q.node === p; });
      // n.wrt: the operand as the derivative names it, its slot marked where it is taken twice (x₍₁₎)
      lines.push(names[p] + ".grad += ∂" + name + "/∂" + n.wrt[f.slots[u]] + " × " + name + ".grad = (" +
        n.partials[f.slots[u]] + ") × " + fmt(up) + " = " + fmt(local) + " × " + fmt(up) +
        (hidden ? "   → ?" : "   → " + names[p] + ".grad = " + (before === undefined ? "" : plus(before, local * up) + " = ") + fmt(state.grad[p])));
    });
    return lines.join("\n");
  }

  function label(k) {
    var f = frames[k], name = names[f.node];
    if (forward) {
      if (f.kind === "forward") return "value: " + name;
      return f.kind === "seed" ? "seed: " + dotted(name) + " = 1" : "tangent: ∂" + name + "/∂" + names[wrt];
    }
    if (f.kind === "forward") return "forward: " + name;
    if (f.kind === "seed") return "seed: ∂" + name + "/∂" + name + " = 1";
    var to = f.parents.filter(function (p) { return !nodes[p].constant; }).map(function (p) { return names[p]; });
    return "backward: " + name + " → " + (to.length ? to.join(", ") : "(constants only)");
  }

  var list = root.querySelector(".cr-frames");
  frames.forEach(function (f, k) {
    var li = document.createElement("li");
    li.textContent = label(k);
    li.addEventListener("click", function () { go(k); });
    list.appendChild(li);
  });

  function show() {
    var state = replay(at), f = frames[at];
    root.dataset.frame = at;
    nodes.forEach(function (n, i) {
      if (!n.drawn) return;
      var g = boxes[n.box];
      var value = state.known[i] ? vals[i] : undefined, grad = state.grad[i];
      g.dataset.value = full(value);
      g.dataset[forward ? "tangent" : "grad"] = full(grad);
      setRow(g, "data", fmt(value));
      setRow(g, rowWord(i), grad === undefined ? "?" : fmt(grad));
      g.classList.toggle("cr-unknown", value === undefined);
    });
    Array.prototype.forEach.call(root.querySelectorAll(".cr-now, .cr-gets, .cr-reads, .cr-edge"), function (e) {
      e.classList.remove("cr-now", "cr-gets", "cr-reads", "cr-edge");
    });
    var here = boxes[nodes[f.node].box];
    if (here) here.classList.add("cr-now");
    if (f.kind === "backward" || f.kind === "tangent") f.parents.forEach(function (p, u) {
      var b = boxes[nodes[p].box];
      if (b && b !== here) b.classList.add(forward ? "cr-reads" : "cr-gets");
      var e = data.stepEdge[f.node + ":" + f.slots[u]];
      if (e !== undefined) root.querySelector('[data-edge="' + e + '"]').classList.add("cr-edge");
    });
    root.querySelector(".cr-equation").textContent = describe(at);
    root.querySelector(".cr-counter").textContent = "frame " + (at + 1) + " of " + frames.length + " · " + label(at);
    Array.prototype.forEach.call(list.children, function (li, k) { li.classList.toggle("cr-at", k === at); });
    var item = list.children[at];
    if (item && item.scrollIntoView && list.scrollHeight > list.clientHeight) item.scrollIntoView({block: "nearest"});
    if (quiz) showQuiz();
  }

  function go(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    if (quiz) {  // no skipping past an unanswered question
      for (var j = at; j < k; j++) if (open(j).length) { k = j; break; }
    }
    at = k;
    show();
    save();
  }

  // -- controls and keys
  var timer = null;
  function play() {
    var button = root.querySelector('[data-do="play"]');
    if (timer) { clearInterval(timer); timer = null; button.textContent = "play"; return; }
    if (at === frames.length - 1) go(0);
    button.textContent = "pause";
    timer = setInterval(function () {
      if (at === frames.length - 1 || (quiz && open(at).length)) { play(); return; }
      go(at + 1);
    }, 800);
  }
  var actions = {first: function () { go(0); }, prev: function () { go(at - 1); }, next: function () { go(at + 1); },
                 last: function () { go(frames.length - 1); }, play: play};
  Array.prototype.forEach.call(root.querySelectorAll("[data-do]"), function (b) {
    b.addEventListener("click", function () { actions[b.dataset.do](); root.focus(); });
  });
  root.tabIndex = 0;
  root.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT") return;
    var act = {ArrowRight: "next", ArrowLeft: "prev", Home: "first", End: "last", " ": "play"}[e.key];
    if (act) { e.preventDefault(); actions[act](); }
  });

  // -- live leaves: edit one, and every value and gradient is recomputed
  Array.prototype.forEach.call(root.querySelectorAll("input[data-leaf]"), function (input) {
    var i = Number(input.dataset.index);
    input.addEventListener("input", function () {
      var v = parseFloat(input.value);
      if (!isFinite(v)) return;
      edited[i] = v;
      recompute();
      show();
    });
  });

  // -- the quiz
  function parseAnswer(text) {
    var t = text.trim().replace(/[−–]/g, "-").replace(/\s+/g, "");
    var m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?:\/([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))?$/i.exec(t);
    if (!m) return null;
    var v = m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
    return isFinite(v) ? v : null;
  }
  function truth(q) {  // the grad this frame leaves in the parent
    var saved = quiz;
    quiz = false;
    var g = replay(q.frame).grad[q.node];
    quiz = saved;
    return g;
  }
  function hint(q) {
    if (forward) return hintTangent(q);
    var f = frames[q.frame], fn = names[f.node], pn = names[q.node], J = names[data.root];
    var state = replay(q.frame - 1), u = f.parents.indexOf(q.node), before = state.grad[q.node];
    var formula = "∂" + J + "/∂" + pn + (before === undefined ? " = " : " += ") + "∂" + J + "/∂" + fn +
      " · ∂" + fn + "/∂" + pn;
    if (q.hints < 2) return formula;
    return formula + ": " + (before === undefined ? "" : fmt(before) + " + ") + fmt(state.grad[f.node]) + " × " +
      fmt(locals[f.node][f.slots[u]]) + (f.parents.indexOf(q.node, u + 1) >= 0 ? " (and once more: " + pn +
      " is both operands)" : "");
  }
  function hintTangent(q) {
    var f = frames[q.frame], name = names[f.node], state = replay(q.frame - 1);
    var formula = dotted(name) + " = " + f.parents.map(function (p) {
      return "∂" + name + "/∂" + names[p] + " · " + dotted(names[p]); }).join(" + ");
    if (q.hints < 2) return formula;
    return formula + ": " + f.parents.map(function (p, u) {
      return fmt(locals[f.node][f.slots[u]]) + " × " + fmt(state.grad[p]); }).join(" + ");
  }
  function showQuiz() {
    var box = root.querySelector(".cr-quiz");
    box.textContent = "";
    var total = questions.length, right = 0, first = 0, hinted = 0, shown = 0;
    questions.forEach(function (q) {
      if (q.state === "right") { right += 1; if (q.tries === 0 && q.hints === 0) first += 1; else hinted += 1; }
      if (q.state === "revealed") shown += 1;
    });
    root.dataset.score = right + "/" + total;
    var asks = open(at);
    asks.forEach(function (q) {
      var row = document.createElement("div"), lab = document.createElement("label");
      var input = document.createElement("input"), note = document.createElement("span");
      lab.textContent = forward ? "Your turn: " + dotted(names[q.node]) + " = ∂" + names[q.node] + "/∂" + names[wrt] +
        " = " : "Your turn: " + names[q.node] + ".grad after this step = ";
      input.dataset.answer = nodes[q.node].box;
      input.autocomplete = "off";
      input.addEventListener("keydown", function (e) {
        if (e.key !== "Enter") return;
        e.preventDefault();
        var v = parseAnswer(input.value), g = boxes[nodes[q.node].box], want = truth(q);
        var verdict = v === null ? "not-a-number" :
          (Math.abs(v - want) <= 1e-3 * Math.abs(want) || Math.abs(v - want) <= 1e-6) ? "right" : "wrong";
        g.dataset.verdict = verdict;
        input.dataset.verdict = verdict;
        if (verdict === "right") { q.state = "right"; finish(); return; }
        if (verdict === "wrong") { q.tries += 1; q.hints = Math.min(2, q.hints + 1); save(); }
        note.className = "cr-verdict-" + verdict;
        note.textContent = verdict === "wrong" ? "  not quite. Hint: " + hint(q) : "  that is not a number (try -0.69, 6.9e-1 or 1/4)";
      });
      var reveal = document.createElement("button");
      reveal.type = "button";
      reveal.textContent = "reveal";
      reveal.addEventListener("click", function () { q.state = "revealed"; boxes[nodes[q.node].box].dataset.verdict = "revealed"; finish(); });
      lab.appendChild(input);
      row.appendChild(lab);
      row.appendChild(reveal);
      row.appendChild(note);
      box.appendChild(row);
    });
    if (!asks.length && (at === frames.length - 1 || !questions.some(function (q) { return q.state === "open"; }))) {
      var done = document.createElement("div");
      done.className = "cr-score";
      done.textContent = "Score: " + first + " right first time, " + hinted + " with hints, " + shown + " revealed, of " + total + ".";
      box.appendChild(done);
    } else if (asks.length) {
      var first_input = box.querySelector("input");
      if (first_input && document.activeElement !== first_input && root.contains(document.activeElement)) first_input.focus();
    }
  }
  function finish() {
    save();
    if (!open(at).length) go(at + 1); else show();
  }

  // -- the quiz's progress lives in the URL fragment, so a reload resumes
  function save() {
    if (!quiz) return;
    var code = {open: "o", right: "r", revealed: "v"};
    var state = questions.map(function (q) { return code[q.state] + q.tries + "." + q.hints; }).join("_");
    var params = new URLSearchParams(location.hash.slice(1));
    params.set(key, at + "~" + state);
    history.replaceState(null, "", "#" + params.toString());
  }
  function restore() {
    if (!quiz) return;
    var saved = new URLSearchParams(location.hash.slice(1)).get(key);
    if (!saved) return;
    var parts = saved.split("~"), states = (parts[1] || "").split("_");
    if (states.length !== questions.length) return;
    questions.forEach(function (q, i) {
      var m = /^([orv])(\d+)\.(\d+)$/.exec(states[i]);
      if (!m) return;
      q.state = {o: "open", r: "right", v: "revealed"}[m[1]];
      q.tries = Number(m[2]);
      q.hints = Number(m[3]);
    });
    at = Math.max(0, Math.min(frames.length - 1, Number(parts[0]) || 0));
  }

  restore();
  show();
})();
