// What the engine says when an op is given a value outside its domain (autograd/value.py's errors,
// word for word), for the player's live leaves: the page refuses what the engine refuses.
window.chainruleDomain = window.chainruleDomain || (function () {
  "use strict";
  var BIG = 1.7976931348623157e308;

  // a float as Python's repr writes it: 1.0, -0.5, 1e+16, 1e-05, inf, nan
  function pyrepr(x) {
    if (isNaN(x)) return "nan";
    if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
    var s = Math.abs(x).toExponential(), m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
    // shortest digits: toExponential() without an argument gives as many as needed to round-trip
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

  function finite(xs) { return xs.every(function (v) { return v >= -BIG && v <= BIG; }); }

  // the engine's error for op at operands x (, y) with result out, or null when it has none;
  // exponentConstant: whether pow's exponent is a plain number
  function refuse(op, x, y, out, exponentConstant) {
    var X = pyrepr(x), Y = pyrepr(y);
    if (op === "div" && y === 0) return {kind: "ZeroDivisionError", text: "div: division by zero (" + X + " / 0)"};
    if (op === "log" && x <= 0) return {kind: "ValueError", text: "log: undefined for x = " + X + " (needs x > 0)"};
    if (op === "pow") {
      if (x === 0 && y < 0) return {kind: "ZeroDivisionError", text: "pow: 0 raised to a negative power (" + X + " ** " + Y + ")"};
      if (x < 0 && y === y && !Number.isInteger(y)) {
        return {kind: "ValueError", text: "pow: a negative base to a fractional power is not real (" + X + " ** " + Y + ")"};
      }
      if (x < 0 && y === y && !exponentConstant) {
        return {kind: "ValueError", text: "pow: d(x^y)/dy is not real for a negative base (" + X +
          " ** y); use a plain number as the exponent"};
      }
    }
    var operands = y === undefined ? [x] : [x, y];
    if (out === out && !finite([out]) && finite(operands)) {
      if (op === "exp") return {kind: "OverflowError", text: "exp: result out of range for x = " + X};
      var shown = op === "pow" ? X + " ** " + Y : operands.map(pyrepr).join(", ");
      return {kind: "OverflowError", text: op + ": result out of range for finite operands (" + shown + ")"};
    }
    return null;
  }

  // what a leaf's input says: {value} for a finite float, else {text} saying why not
  function leaf(typed, number) {
    var shown = typed.trim();
    if (!shown) return {text: "empty: type a number, such as -0.7 or 2.5e-1"};
    var v = number(typed);
    if (v === null) return {text: "“" + (shown.length > 24 ? shown.slice(0, 24) + "…" : shown) + "” is not a number"};
    if (!isFinite(v)) return {text: shown + " does not fit in a float (the largest is about 1.8e308); Python reads it as " + (v > 0 ? "inf" : "-inf")};
    return {value: v};
  }

  return {pyrepr: pyrepr, refuse: refuse, leaf: leaf};
})();
