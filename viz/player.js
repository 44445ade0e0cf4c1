// chainrule's step-through player: replays forward and backward frame by frame on the drawn graph.
// The op rules come from the engine's table (autograd.OPS[...].js), sent in the page's data.
(function () {
  "use strict";
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector(".cr-data").textContent);
  var nodes = data.nodes, frames = data.frames, names = data.names;
  var quiz = root.dataset.quiz === "on";
  var players = Array.prototype.slice.call(document.querySelectorAll(".chainrule-player"));
  var key = "cr" + players.indexOf(root);

  function num(v) {
    if (typeof v !== "string") return v;
    return v === "inf" ? Infinity : v === "-inf" ? -Infinity : NaN;
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
      var no = window.chainruleDomain.refuse(n.op, x, y, out, n.parents.length > 1 && nodes[n.parents[1]].constant);
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

  var boxes = {};
  Array.prototype.forEach.call(root.querySelectorAll("[data-node]"), function (g) {
    boxes[g.dataset.node] = g;
    // the value and gradient rows are rewritten as the frames go: centre them in their box
    var shape = g.querySelector("polygon, path");
    if (!shape || !shape.getBBox) return;
    var box = shape.getBBox(), middle = box.x + box.width / 2;
    Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
      if (/^(data|grad) /.test(t.textContent)) { t.setAttribute("x", middle); t.setAttribute("text-anchor", "middle"); }
    });
  });
  function setRow(g, word, text) {
    Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
      if (t.textContent.indexOf(word + " ") === 0) t.textContent = word + " " + text;
    });
  }

  // the local factor by its formula, so it never reads like the total derivative: ∂(a3 − 1)/∂a3
  function factor(node, p) { return "∂(" + nodes[node].expr + ")/∂" + names[p]; }

  function describe(k) {
    var f = frames[k], n = nodes[f.node], name = names[f.node];
    if (f.kind === "forward") {
      if (fault && f.node >= fault.node) return name + ": no value (see above)";
      return n.op ? name + " = " + n.expr + " = " + fmt(vals[f.node]) : name + " = " + fmt(vals[f.node]) + "  (a leaf)";
    }
    if (fault) return "backward cannot run: the forward pass stopped at " + names[fault.node];
    if (f.kind === "seed") return "∂" + name + "/∂" + name + " = 1: backward starts at " + name;
    var state = replay(k - 1), lines = [];
    f.parents.forEach(function (p, u) {
      if (nodes[p].constant) return;  // a constant's gradient is computed, but nobody reads it
      var local = locals[f.node][f.slots[u]], up = state.grad[f.node];
      var before = state.grad[p];
      state.grad[p] = p in state.grad ? state.grad[p] + local * up : local * up;
      var head = names[p] + ".grad += " + factor(f.node, p) + " × " + name + ".grad = ";
      var q = quiz && Q.asking(k, p);
      if (q) {  // the question: the factor's formula and number only as hints give them, no product
        lines.push(head + (q.hints >= 1 ? "(" + n.partials[f.slots[u]] + ")" : "?") + " × " + fmt(up) +
          (q.hints >= 2 ? " = " + fmt(local) + " × " + fmt(up) : "") + "   → ?");
        return;
      }
      lines.push(head + "(" + n.partials[f.slots[u]] + ") × " + fmt(up) + " = " + fmt(local) + " × " + fmt(up) +
        "   → " + names[p] + ".grad = " + (before === undefined ? "" : fmt(before) + " + " + fmt(local * up) + " = ") +
        fmt(state.grad[p]));
    });
    return lines.join("\n");
  }

  function label(k) {
    var f = frames[k], name = names[f.node];
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
      g.dataset.grad = full(grad);
      setRow(g, "data", fault && i >= fault.node ? "—" : fmt(value));
      setRow(g, "grad", fault ? "—" : grad === undefined ? "?" : fmt(grad));
      g.classList.toggle("cr-unknown", value === undefined);
    });
    Array.prototype.forEach.call(root.querySelectorAll(".cr-now, .cr-gets, .cr-edge, .cr-error"), function (e) {
      e.classList.remove("cr-now", "cr-gets", "cr-edge", "cr-error");
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
    if (f.kind === "backward") f.parents.forEach(function (p, u) {
      var b = boxes[nodes[p].box];
      if (b && b !== here) b.classList.add("cr-gets");
      var e = data.stepEdge[f.node + ":" + f.slots[u]];
      if (e !== undefined) root.querySelector('[data-edge="' + e + '"]').classList.add("cr-edge");
    });
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
      var seen = function (p) {
        var r = p.root.getBoundingClientRect(), h = window.innerHeight || document.documentElement.clientHeight;
        return Math.max(0, Math.min(r.bottom, h) - Math.max(r.top, 0));
      };
      var target = registry.last && seen(registry.last) > 0 ? registry.last : null;
      if (!target) registry.list.forEach(function (p) { if (seen(p) > 0 && (!target || seen(p) > seen(target))) target = p; });
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
    questions: questions, open: open, replay: replay, factor: factor,
    locals: function () { return locals; }, at: function () { return at; }, go: go, show: show,
    fault: function () { return fault; }, setAt: function (k) { at = k; }
  }) : null;
  if (quiz) Q.restore();
  show();
})();
