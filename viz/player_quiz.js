// The player's quiz: hides each gradient until the learner types it, judges it by chainruleQuiz's
// rule, gives hints on request (the factor and its formula, then its numbers), names a recognisable
// slip, and keeps the score on the page (and in the URL fragment, so a reload resumes).
window.chainrulePlayerQuiz = window.chainrulePlayerQuiz || function (P) {
  "use strict";
  var rule = window.chainruleQuiz, nodes = P.nodes, frames = P.frames, names = P.names, fmt = P.fmt;
  var questions = P.questions, last = null;  // last: the verdict line of the latest answer

  function asking(k, p) {
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      if (q.frame === k && q.node === p && q.state === "open") return q;
    }
    return null;
  }
  // the numbers of a question: the parent's grad before, the upstream grad, one share per slot, the truth
  function parts(q) {
    if (P.forward) return {truth: P.replay(q.frame, true).grad[q.node]};
    var f = frames[q.frame], state = P.replay(q.frame - 1, true), up = state.grad[f.node], local = P.locals()[f.node];
    var slots = [];
    f.parents.forEach(function (p, u) { if (p === q.node) slots.push(f.slots[u]); });
    var shares = slots.map(function (s) { return local[s] * up; });
    var before = state.grad[q.node], sum = shares.reduce(function (a, b) { return a + b; }, 0);
    return {f: f, up: up, slots: slots, locals: slots.map(function (s) { return local[s]; }), shares: shares,
            before: before, truth: before === undefined ? P.replay(q.frame, true).grad[q.node] : before + sum};
  }
  function hint(q) {
    if (P.forward) return P.hintTangent(q);
    var x = parts(q), fn = names[x.f.node], pn = names[q.node], n = nodes[x.f.node], two = x.slots.length > 1;
    var formula = x.slots.map(function (s) { return n.partials[s]; });
    var text = "the factor is " + P.factor(x.f.node, q.node) + ", the local derivative of " + fn + " = " + n.expr +
      " with respect to " + pn + (two ? " (" + pn + " is both operands: one factor per slot, " + formula.join(" and ") +
      ")" : ": " + P.factor(x.f.node, q.node) + " = " + formula[0]) + ". " + pn + ".grad = " +
      (x.before === undefined ? "" : "the share it already had + ") + "that factor × " + fn + ".grad" +
      (two ? ", once per slot" : "") + ".";
    if (q.hints < 2) return text;
    var numbers = x.slots.map(function (s, j) {  // a factor that is a number already is named, not repeated
      var value = fmt(x.locals[j]);
      return (formula[j] === value ? P.factor(x.f.node, q.node) : formula[j]) + " = " + value;
    }).join(" and ");
    return text + " Here: " + numbers + ", " + fn + ".grad = " + fmt(x.up) +
      (x.before === undefined ? "" : ", and " + pn + ".grad so far = " + fmt(x.before)) + ".";
  }
  function slip(q, typed) {
    if (P.forward) return rule.slip(typed, parts(q).truth, [["the sign is flipped", -parts(q).truth]]);
    var x = parts(q), fn = names[x.f.node], pn = names[q.node], base = x.before === undefined ? 0 : x.before;
    var sum = x.shares.reduce(function (a, b) { return a + b; }, 0);
    var slips = [];
    if (x.before !== undefined) slips.push(["you left out the share " + pn + " already had (" + fmt(x.before) +
      "): a node used more than once adds up every share", sum]);
    if (x.shares.length > 1) slips.push([pn + " is both operands of " + fn + ": add one share per operand", base + x.shares[0]]);
    slips.push(["the sign is flipped", -x.truth]);
    slips.push(["that is " + fn + ".grad alone: multiply it by the local factor " + P.factor(x.f.node, q.node),
                base + x.up * x.shares.length]);
    slips.push(["that is the local factor alone: multiply it by " + fn + ".grad",
                base + x.locals.reduce(function (a, b) { return a + b; }, 0)]);
    return rule.slip(typed, x.truth, slips);
  }

  function said(q) { return P.forward ? "∂" + names[q.node] + "/∂" + names[P.data.wrt] : names[q.node] + ".grad"; }
  function answer(q, typed, note) {
    var want = parts(q).truth, v = rule.judge(typed, want), g = P.boxes[nodes[q.node].box];
    q.typed = typed;
    g.dataset.verdict = v.verdict;
    if (v.verdict === "right") {
      q.state = "right";
      last = {kind: "right", text: "right: " + said(q) + " = " + fmt(want)};
      finish();
      return v.verdict;
    }
    note.className = "cr-verdict-" + v.verdict;
    if (v.verdict === "not-a-number") {
      note.textContent = "that is not a number: type one such as −0.69, 6.9e-1 or 1/4";
    } else if (v.note === "too-few-figures") {
      note.textContent = "give at least 2 significant figures (−0.69, not −0.7)";
      q.tries += 1;
    } else {
      q.tries += 1;
      var named = slip(q, typed);
      q.hints = Math.min(2, q.hints + 1);
      P.show();  // the equation gains what this hint gives
      note = P.root.querySelector('.cr-quiz [data-note="' + questions.indexOf(q) + '"]');
      note.className = "cr-verdict-wrong";
      note.textContent = "not quite" + (named ? ": " + named : "") + ". Hint: " + hint(q);
    }
    g.dataset.verdict = v.verdict;
    save();
    return v.verdict;
  }

  function row(q) {
    var div = document.createElement("div"), lab = document.createElement("label");
    var input = document.createElement("input"), note = document.createElement("span");
    var id = questions.indexOf(q);
    lab.textContent = P.asked(q);
    input.dataset.answer = nodes[q.node].box;
    input.autocomplete = "off";
    input.value = q.typed || "";
    note.dataset.note = id;
    if (q.hints) { note.className = "cr-hint"; note.textContent = "Hint: " + hint(q); }
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();
      answer(q, input.value, note);
    });
    function button(text, act) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.dataset.quiz = text;
      b.addEventListener("click", act);
      return b;
    }
    var more = button(q.hints ? "another hint" : "hint", function () {
      q.typed = input.value;
      q.hints = Math.min(2, q.hints + 1);
      save();
      P.show();
    });
    more.disabled = q.hints >= 2;
    lab.appendChild(input);
    div.appendChild(lab);
    div.appendChild(more);
    div.appendChild(button("reveal", function () {
      q.state = "revealed";
      P.boxes[nodes[q.node].box].dataset.verdict = "revealed";
      last = {kind: "revealed", text: "revealed: " + said(q) + " = " + fmt(parts(q).truth)};
      finish();
    }));
    div.appendChild(note);
    return div;
  }

  function show() {
    var box = P.root.querySelector(".cr-quiz");
    box.textContent = "";
    var total = questions.length, first = 0, hinted = 0, shown = 0;
    questions.forEach(function (q) {
      if (q.state === "right") { if (q.tries === 0 && q.hints === 0) first += 1; else hinted += 1; }
      if (q.state === "revealed") shown += 1;
    });
    var ds = P.root.dataset;
    ds.score = (first + hinted) + "/" + total;
    ds.first = first; ds.hinted = hinted; ds.revealed = shown;
    var score = document.createElement("div");
    score.className = "cr-score";
    var left = total - first - hinted - shown;
    score.textContent = "Score: " + first + " right first time · " + hinted + " right after hints · " + shown +
      " revealed · out of " + total + (left ? " (" + left + " to go)" : " (done)");
    box.appendChild(score);
    if (last) {
      var said = document.createElement("div");
      said.className = "cr-verdict-" + last.kind + " cr-last";
      said.textContent = last.text;
      box.appendChild(said);
    }
    if (P.fault()) {
      var none = document.createElement("div");
      none.textContent = "No questions while the graph has no numbers: change the leaf back.";
      box.appendChild(none);
      return;
    }
    var asks = P.open(P.at());
    asks.forEach(function (q) { box.appendChild(row(q)); });
    if (asks.length) {
      var how = document.createElement("div");
      how.className = "cr-rule";
      how.textContent = "A number is right when it equals the answer rounded to the significant figures you type " +
        "(at least 2: −0.69, 6.9e-1); a fraction such as 1/4 is right to 3 figures.";
      box.appendChild(how);
      var input = box.querySelector("input");
      if (input && document.activeElement !== input && P.root.contains(document.activeElement)) input.focus();
    }
  }
  function finish() {
    save();
    if (!P.open(P.at()).length) P.go(P.at() + 1); else P.show();
  }

  // -- progress in the URL fragment, so a reload resumes
  function save() {
    var code = {open: "o", right: "r", revealed: "v"};
    var state = questions.map(function (q) { return code[q.state] + q.tries + "." + q.hints; }).join("_");
    var params = new URLSearchParams(location.hash.slice(1));
    params.set(P.key, P.at() + "~" + state);
    history.replaceState(null, "", "#" + params.toString());
  }
  function restore() {
    var saved = new URLSearchParams(location.hash.slice(1)).get(P.key);
    if (!saved) return;
    var parts = saved.split("~"), states = (parts[1] || "").split("_");
    if (states.length !== questions.length) return;
    questions.forEach(function (q, i) {
      var m = /^([orv])(\d+)\.([012])$/.exec(states[i]);
      if (!m) return;
      q.state = {o: "open", r: "right", v: "revealed"}[m[1]];
      q.tries = Number(m[2]);
      q.hints = Number(m[3]);
    });
    P.setAt(Math.max(0, Math.min(frames.length - 1, Number(parts[0]) || 0)));
  }

  return {asking: asking, show: show, save: save, restore: restore, answer: answer};
};
