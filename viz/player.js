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
    if (isNaN(x)) return "NaN";
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
  var edited = {}, badLeaf = {};  // badLeaf[i]: why leaf i's input is no number
  var fault = null;  // {node, kind, text}: where the forward pass stops, as the engine would stop
  function recompute() {
    fault = null;
    nodes.forEach(function (n, i) {
      if (fault) { vals[i] = undefined; locals[i] = n.parents.map(function () { return undefined; }); return; }
      if (!n.op) {
        if (i in badLeaf) { fault = {node: i, kind: "leaf", text: badLeaf[i]}; vals[i] = undefined; return; }
        vals[i] = i in edited ? edited[i] : num(n.value);
        return;
      }
      var x = vals[n.parents[0]], y = n.parents.length > 1 ? vals[n.parents[1]] : undefined;
      var f = fns[n.op], out = f[0](x, y, undefined);
      var xs = n.parents.map(function (p) { return vals[p]; });
      var no = window.chainruleDomain.refuse(n.op, xs, out, (data.domains || {})[n.op],
                                             n.parents.map(function (p) { return nodes[p].constant; }));
      if (no) {
        fault = {node: i, kind: no.kind, text: no.text};
        vals[i] = undefined;
        locals[i] = n.parents.map(function () { return undefined; });
        return;
      }
      vals[i] = out;
      locals[i] = n.parents.map(function (_, s) { return f[s + 1](x, y, out); });
    });
  }
  function faultText() {
    var n = nodes[fault.node], name = names[fault.node];
    if (fault.kind === "leaf") return name + ": " + fault.text + ". Nothing that depends on it has a value until it is a number.";
    var at = n.parents.map(function (p) { return names[p] + " = " + fmt(vals[p]); }).join(", ");
    return name + " = " + n.expr + " at " + at + ": the engine stops here with " + fault.kind + ": " + fault.text +
      ". " + name + " and everything computed after it have no value, and backward cannot run.";
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
  function replay(k, all) {
    var known = {}, grad = {};
    for (var j = 0; j <= k; j++) {
      var f = frames[j];
      if (fault && (f.kind !== "forward" || f.node >= fault.node)) break;  // the engine raised here
      if (forward && f.kind !== "forward") { tangentStep(f, grad); continue; }
      if (f.kind === "forward") known[f.node] = true;
      else if (f.kind === "seed") grad[f.node] = 1;
      else f.parents.forEach(function (p, u) {
        var share = locals[f.node][f.slots[u]] * grad[f.node];
        grad[p] = p in grad ? grad[p] + share : share;
      });
    }
    if (quiz && !all) open(k).forEach(function (q) { delete grad[q.node]; });  // hidden until answered
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
    var state = replay(k - 1), q = quiz ? Q.asking(k, f.node) : null;
    var symbols = [], formulas = [], numbers = [];
    f.parents.forEach(function (p, u) {
      symbols.push("∂" + name + "/∂" + names[p] + " · " + dotted(names[p]));
      formulas.push("(" + n.partials[f.slots[u]] + ") × " + fmt(state.grad[p]));
      numbers.push(fmt(locals[f.node][f.slots[u]]) + " × " + fmt(state.grad[p]));
    });
    if (q) {  // the question: the factors' formulas and numbers only as hints give them
      return dotted(name) + " = " + symbols.join(" + ") + (q.hints >= 1 ? " = " + formulas.join(" + ") : "") +
        (q.hints >= 2 ? " = " + numbers.join(" + ") : "") + "   → ?";
    }
    var t = replay(k).grad[f.node];
    return dotted(name) + " = " + symbols.join(" + ") + " = " + formulas.join(" + ") + " = " + numbers.join(" + ") +
      " = " + fmt(t) + "   (∂" + name + "/∂" + w + ")";
  }
  function hintTangent(q) {
    var f = frames[q.frame], name = names[f.node], state = replay(q.frame - 1, true);
    var formula = dotted(name) + " = " + f.parents.map(function (p) {
      return "∂" + name + "/∂" + names[p] + " · " + dotted(names[p]); }).join(" + ");
    if (q.hints < 2) return formula;
    return formula + ": " + f.parents.map(function (p, u) {
      return fmt(locals[f.node][f.slots[u]]) + " × " + fmt(state.grad[p]); }).join(" + ");
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
  var marks = window.chainrulePlayerMarks({
    root: root, data: data, nodes: nodes, names: names, boxes: boxes, fmt: fmt, forward: forward, wrt: wrt,
    locals: function () { return locals; }, vals: function () { return vals; }, fault: function () { return fault; }
  });
  function setRow(g, word, text) {
    Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
      if (t.textContent.indexOf(word + " ") === 0) t.textContent = word + " " + text;
    });
  }

  // the local factor by its formula, so it never reads like the total derivative: ∂(a3 − 1)/∂a3
  // wrt: the operand as the derivative names it, its slot marked where it is taken twice (x₍₁₎, x₍₂₎)
  function factor(node, p, slot) {
    var wrt = slot === undefined || !nodes[node].wrt ? names[p] : nodes[node].wrt[slot];
    return "∂(" + nodes[node].expr + ")/∂" + wrt;
  }

  function describe(k) {
    var f = frames[k], n = nodes[f.node], name = names[f.node];
    if (f.kind === "forward") {
      if (fault && f.node >= fault.node) return name + ": no value (see above)";
      return n.op ? name + " = " + n.expr + " = " + fmt(vals[f.node]) : name + " = " + fmt(vals[f.node]) + "  (a leaf)";
    }
    if (fault) return (forward ? "no tangents" : "backward cannot run") + ": the forward pass stopped at " + names[fault.node];
    if (forward) return describeTangent(k);
    if (f.kind === "seed") return "∂" + name + "/∂" + name + " = 1: backward starts at " + name;
    var state = replay(k - 1), lines = [];
    f.parents.forEach(function (p, u) {
      if (nodes[p].constant) return;  // a constant's gradient is computed, but nobody reads it
      var local = locals[f.node][f.slots[u]], up = state.grad[f.node];
      var before = state.grad[p];
      state.grad[p] = p in state.grad ? state.grad[p] + local * up : local * up;
      var head = names[p] + ".grad += " + factor(f.node, p, f.slots[u]) + " × " + name + ".grad = ";
      var q = quiz && Q.asking(k, p);
      if (q) {  // the question: the factor's formula and number only as hints give them, no product
        lines.push(head + (q.hints >= 1 ? "(" + n.partials[f.slots[u]] + ")" : "?") + " × " + fmt(up) +
          (q.hints >= 2 ? " = " + fmt(local) + " × " + fmt(up) : "") + "   → ?");
        return;
      }
      lines.push(head + "(" + n.partials[f.slots[u]] + ") × " + fmt(up) + " = " + fmt(local) + " × " + fmt(up) +
        "   → " + names[p] + ".grad = " + (before === undefined ? "" : plus(before, local * up) + " = ") +
        fmt(state.grad[p]));
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
      setRow(g, "data", fault && i >= fault.node ? "—" : fmt(value));
      setRow(g, rowWord(i), fault ? "—" : grad === undefined ? "?" : fmt(grad));
      g.classList.toggle("cr-unknown", value === undefined);
    });
    Array.prototype.forEach.call(root.querySelectorAll(".cr-now, .cr-gets, .cr-reads, .cr-edge, .cr-error"), function (e) {
      e.classList.remove("cr-now", "cr-gets", "cr-reads", "cr-edge", "cr-error");
      delete e.dataset.error;
    });
    var problem = root.querySelector(".cr-problem");
    problem.textContent = fault ? faultText() : "";
    problem.hidden = !fault;
    root.dataset.error = fault ? fault.kind : "";
    if (fault) {
      var bad = boxes[nodes[fault.node].box] || root.querySelector('input[data-index="' + fault.node + '"]');
      if (bad) { bad.classList.add("cr-error"); bad.dataset.error = fault.kind + ": " + fault.text; }
    }
    var here = boxes[nodes[f.node].box];
    if (here) here.classList.add("cr-now");
    if (f.kind === "backward" || f.kind === "tangent") f.parents.forEach(function (p, u) {
      var b = boxes[nodes[p].box];
      if (b && b !== here) b.classList.add(forward ? "cr-reads" : "cr-gets");
      var e = data.stepEdge[f.node + ":" + f.slots[u]];
      if (e !== undefined) root.querySelector('[data-edge="' + e + '"]').classList.add("cr-edge");
    });
    marks.show(state, f);  // the edges' local derivatives, and the numbers of a node folded into a box
    root.querySelector(".cr-equation").textContent = describe(at);
    root.querySelector(".cr-counter").textContent = "frame " + (at + 1) + " of " + frames.length + " · " + label(at);
    Array.prototype.forEach.call(list.children, function (li, k) { li.classList.toggle("cr-at", k === at); });
    var item = list.children[at];
    if (item && item.scrollIntoView && list.scrollHeight > list.clientHeight) item.scrollIntoView({block: "nearest"});
    if (quiz) Q.show();
  }

  function go(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    if (quiz) {  // no skipping past an unanswered question
      for (var j = at; j < k; j++) if (open(j).length) { k = j; break; }
    }
    at = k;
    show();
    if (quiz) Q.save();
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
  var KEYS = {ArrowRight: "next", ArrowLeft: "prev", Home: "first", End: "last", " ": "play"};
  function typing(e) { return /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(e.target.tagName) || e.target.isContentEditable; }
  root.addEventListener("keydown", function (e) {
    if (typing(e) || e.altKey || e.ctrlKey || e.metaKey) return;
    var act = KEYS[e.key];
    if (act) { e.preventDefault(); e.stopPropagation(); used(); actions[act](); }
  });
  // the arrow keys anywhere on the page go to the player in view: the last one used if it is, else
  // the one most in view (Home, End and space keep scrolling the page unless a player has the focus)
  var registry = window.chainrulePlayers = window.chainrulePlayers || {list: [], last: null, installed: false};
  var me = {root: root, act: function (name) { actions[name](); }};
  registry.list.push(me);
  function used() { registry.last = me; }
  root.addEventListener("pointerdown", used);
  root.addEventListener("focusin", used);
  if (!registry.installed) {
    registry.installed = true;
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || typing(e) || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      // how much of a player is in view: the share of it that can be seen (a small player wholly in view
      // beats a big one half in view), then its visible height
      var seen = function (p) {
        var r = p.root.getBoundingClientRect(), h = window.innerHeight || document.documentElement.clientHeight;
        var px = Math.max(0, Math.min(r.bottom, h) - Math.max(r.top, 0));
        return [px / Math.max(1, Math.min(r.height, h)), px];
      };
      var more = function (a, b) { return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]); };
      var target = registry.last && seen(registry.last)[1] > 0 ? registry.last : null;
      if (!target) registry.list.forEach(function (p) {
        if (seen(p)[1] > 0 && (!target || more(seen(p), seen(target)))) target = p;
      });
      if (!target) return;
      e.preventDefault();
      registry.last = target;
      target.act(KEYS[e.key]);
    });
  }

  // -- live leaves: edit one, and every value and gradient is recomputed, or the page says why not
  Array.prototype.forEach.call(root.querySelectorAll("input[data-leaf]"), function (input) {
    var i = Number(input.dataset.index), note = input.parentElement.querySelector(".cr-leaf-note");
    input.addEventListener("input", function () {
      var read = window.chainruleDomain.leaf(input.value, window.chainruleQuiz.number);
      if ("value" in read) { edited[i] = read.value; delete badLeaf[i]; } else badLeaf[i] = read.text;
      note.textContent = "value" in read ? "" : read.text;
      input.setAttribute("aria-invalid", "value" in read ? "false" : "true");
      recompute();
      show();
    });
  });

  var Q = quiz ? window.chainrulePlayerQuiz({
    root: root, data: data, nodes: nodes, frames: frames, names: names, fmt: fmt, key: key, boxes: boxes,
    questions: questions, open: open, replay: replay, factor: factor, forward: forward, hintTangent: hintTangent,
    asked: function (q) {  // what the input beside a question says it wants
      return forward ? "Your turn: " + dotted(names[q.node]) + " = ∂" + names[q.node] + "/∂" + names[wrt] + " = " :
        "Your turn: " + names[q.node] + ".grad after this step = ";
    },
    locals: function () { return locals; }, at: function () { return at; }, go: go, show: show,
    fault: function () { return fault; }, setAt: function (k) { at = k; }
  }) : null;
  if (quiz) Q.restore();
  show();
})();
