// chainrule's quiz rule, the same as viz/quiz.py (a test runs one table of answers through both):
// a typed number is right when it equals the truth rounded to the significant figures typed, with
// at least 2; a fraction or expression is right when it matches the truth to 3 significant figures.
window.chainruleQuiz = window.chainruleQuiz || (function () {
  "use strict";
  var NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
  var UNSIGNED = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
  var SPACE = /^[ \t\n\r\u00a0]+/;
  var FIGURES = 2, EXPRESSION_FIGURES = 3, FAR = 1000, BRACKETS = 100;

  function normalise(text) {
    text = text.replace(/\u2212/g, "-").replace(/\u2013/g, "-").replace(/×/g, "*").replace(/÷/g, "/");
    return text.replace(/^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$/g, "");
  }

  // a decimal number as {sign, digits (no leading or trailing zeros), exp}: value = 0.digits × 10^exp
  function decimal(text) {
    var sign = text[0] === "-" ? -1 : 1, body = text.replace(/^[+-]/, "");
    var parts = body.split(/[eE]/), e = parts.length > 1 ? parseInt(parts[1], 10) : 0;
    var mantissa = parts[0], dot = mantissa.indexOf(".");
    var whole = dot < 0 ? mantissa : mantissa.slice(0, dot), frac = dot < 0 ? "" : mantissa.slice(dot + 1);
    var digits = whole + frac, exp = whole.length + e;
    var lead = digits.match(/^0*/)[0].length;
    digits = digits.slice(lead);
    exp -= lead;
    digits = digits.replace(/0+$/, "");
    if (!digits) return {sign: 1, digits: "", exp: 0};
    return {sign: sign, digits: digits, exp: exp};
  }
  function figures(text) {
    var mantissa = text.replace(/^[+-]/, "").split(/[eE]/)[0].replace(".", "");
    return mantissa.replace(/^0+/, "").length;
  }
  // x as Python prints it (shortest digits, as JavaScript's too), rounded to n figures, half away from 0
  function roundFigures(x, n) {
    var d = decimal(String(x));
    if (!d.digits || d.digits.length <= n) return d;
    var kept = d.digits.slice(0, n).split("").map(Number), exp = d.exp;
    if (Number(d.digits[n]) >= 5) {
      var i = n - 1;
      while (i >= 0 && kept[i] === 9) { kept[i] = 0; i -= 1; }
      if (i < 0) { kept.unshift(1); exp += 1; } else kept[i] += 1;
    }
    return {sign: d.sign, digits: kept.join("").replace(/0+$/, ""), exp: exp};
  }
  function same(a, b) { return a.sign === b.sign && a.digits === b.digits && a.exp === b.exp; }

  function evaluate(text) {
    var tokens = [], rest = text, m;
    while (rest.length) {
      if ((m = SPACE.exec(rest))) { rest = rest.slice(m[0].length); continue; }
      if ((m = UNSIGNED.exec(rest))) tokens.push(m[0]);
      else tokens.push(rest[0]);
      rest = rest.slice(tokens[tokens.length - 1].length);
    }
    if (tokens.filter(function (t) { return t === "("; }).length > BRACKETS) return null;
    var at = 0, bad = {};
    function peek() { return at < tokens.length ? tokens[at] : null; }
    function take() { at += 1; return tokens[at - 1]; }
    function expr() {
      var v = term();
      while (peek() === "+" || peek() === "-") v = take() === "+" ? v + term() : v - term();
      return v;
    }
    function term() {
      var v = unary();
      while (peek() === "*" || peek() === "/") {
        if (take() === "*") v = v * unary();
        else { var d = unary(); if (d === 0) throw bad; v = v / d; }
      }
      return v;
    }
    function unary() {
      var t = peek();
      if (t === "+" || t === "-") return take() === "+" ? unary() : -unary();
      if (t === "(") { take(); var v = expr(); if (peek() !== ")") throw bad; take(); return v; }
      if (t !== null && UNSIGNED.test(t) && UNSIGNED.exec(t)[0] === t) return Number(take());
      throw bad;
    }
    var value;
    try { value = expr(); } catch (e) { return null; }  // not an expression, or brackets nested past the stack
    return at === tokens.length && isFinite(value) ? value : null;
  }

  function judge(answer, truth) {
    var text = normalise(String(answer)), value;
    if (NUMBER.test(text)) {
      var typed = decimal(text), n = figures(text);
      value = Number(text);
      if (!typed.digits) return {verdict: truth === 0 ? "right" : "wrong", value: value, figures: n, note: ""};
      if (truth === 0 || Math.abs(typed.exp - 1) > FAR) return {verdict: "wrong", value: value, figures: n, note: ""};
      if (same(typed, roundFigures(truth, Math.max(n, FIGURES)))) return {verdict: "right", value: value, figures: n, note: ""};
      var short = n < FIGURES && same(typed, roundFigures(truth, n));
      return {verdict: "wrong", value: value, figures: n, note: short ? "too-few-figures" : ""};
    }
    value = evaluate(text);
    if (value === null) return {verdict: "not-a-number", value: null, figures: null, note: ""};
    var ok = same(roundFigures(value, EXPRESSION_FIGURES), roundFigures(truth, EXPRESSION_FIGURES));
    return {verdict: ok ? "right" : "wrong", value: value, figures: null, note: ""};
  }

  // the first slip whose value the answer matches (a slip equal to the truth is none)
  function slip(answer, truth, slips) {
    for (var i = 0; i < slips.length; i++) {
      var v = slips[i][1];
      if (!isFinite(v) || judge(String(v), truth).verdict === "right") continue;
      if (judge(answer, v).verdict === "right") return slips[i][0];
    }
    return null;
  }

  // a plain typed number (what a leaf's input takes), or null
  function number(text) {
    text = normalise(String(text));
    return NUMBER.test(text) ? Number(text) : null;
  }

  return {judge: judge, slip: slip, number: number, normalise: normalise, evaluate: evaluate};
})();
