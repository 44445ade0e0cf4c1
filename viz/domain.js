// What the engine says when an op is given a value outside its domain, for the player's live leaves:
// the messages, error kinds and predicates all come from the op table (the page's data.domains: each
// Domain's message, error, nan_passes, unless_constant and js).
window.chainruleDomain = window.chainruleDomain || (function () {
  "use strict";
  var BIG = 1.7976931348623157e308;
  var INLINE = ["add", "sub", "mul", "neg", "relu"];  // written out in value.py: operands shown without names
  var compiled = {};  // each domain's JavaScript predicate (from the op table's entry), made once
  function predicate(js) {
    if (!(js in compiled)) compiled[js] = new Function("x", "y", "return (" + js + ");");
    return compiled[js];
  }

  // a float as Python's repr writes it: 1.0, -0.5, 1e+16, 1e-05, inf, nan
  function pyrepr(x) {
    if (isNaN(x)) return "nan";
    if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
    // shortest digits: toExponential() without an argument gives as many as round-trip needs
    var m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential());
    var digits = m[1] + (m[2] || ""), exp = Number(m[3]), sign = x < 0 ? "-" : "", out;
    if (exp < -4 || exp >= 16) {
      out = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (exp < 0 ? "-" : "+") +
        (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    } else if (exp < 0) {
      out = "0." + new Array(-exp).join("0") + digits;
    } else if (digits.length <= exp + 1) {
      out = digits + new Array(exp + 2 - digits.length).join("0") + ".0";
    } else {
      out = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
    }
    return sign + out;
  }
  function shown(xs) { return xs.map(function (x, i) { return "xy"[i] + " = " + pyrepr(x); }).join(", "); }
  function finite(xs) { return xs.every(function (v) { return v >= -BIG && v <= BIG; }); }

  // the engine's error for op at operands xs with result out, or null when it has none; domains: the
  // table's entries for op; constant[k]: whether operand k is a plain number
  function refuse(op, xs, out, domains, constant) {
    for (var i = 0; i < (domains || []).length; i++) {
      var d = domains[i], message = d[0], kind = d[1], nanPasses = d[2], unless = d[3], js = d[4];
      if (nanPasses && xs.some(function (v) { return v !== v; })) continue;
      var ok = js ? predicate(js).apply(null, xs) : out === out || xs.some(function (v) { return v !== v; });
      if (!ok && (unless === null || !constant[unless])) return {kind: kind, text: op + ": " + message + " (" + shown(xs) + ")"};
    }
    if (out === out && !finite([out]) && finite(xs)) {
      var operands = INLINE.indexOf(op) >= 0 ? xs.map(pyrepr).join(", ") : shown(xs);
      return {kind: "OverflowError", text: op + ": result out of range for finite operands (" + operands + ")"};
    }
    return null;
  }

  // what a leaf's input says: {value} for a finite float, else {text} saying why not
  function leaf(typed, number) {
    var said = typed.trim();
    if (!said) return {text: "empty: type a number, such as -0.7 or 2.5e-1"};
    var v = number(typed);
    if (v === null) return {text: "“" + (said.length > 24 ? said.slice(0, 24) + "…" : said) + "” is not a number"};
    if (!isFinite(v)) {
      return {text: said + " does not fit in a float (the largest is about 1.8e308); Python reads it as " +
        (v > 0 ? "inf" : "-inf")};
    }
    return {value: v};
  }

  return {pyrepr: pyrepr, refuse: refuse, leaf: leaf, predicate: predicate};
})();
