// chainrule's player, what it writes on the drawing besides the boxes' rows:
// - each edge's local derivative, formula and number (a folded edge's number the product along the
//   steps it stands for), kept up to date as leaves change, "?" until the nodes it reads are computed;
// - the numbers of a node folded into another's box ([a3 − 1] into J's): it has no box of its own, so
//   while a frame computes it or gives it a gradient, they are written beside the box it is folded into.
window.chainrulePlayerMarks = function (p) {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var svg = p.root.querySelector(".cr-graph svg");
  var edgeSteps = {};
  Object.keys(p.data.stepEdge).forEach(function (step) {
    var k = p.data.stepEdge[step], parts = step.split(":");
    (edgeSteps[k] = edgeSteps[k] || []).push([Number(parts[0]), Number(parts[1])]);
  });

  function edges(state) {
    var locals = p.locals(), fault = p.fault();
    Object.keys(edgeSteps).forEach(function (k) {
      var e = p.root.querySelector('[data-edge="' + k + '"]');
      var texts = e ? e.querySelectorAll("text") : [];
      if (!texts.length) return;  // an edge drawn without its label (the quiz's)
      var t = texts[texts.length - 1], value = 1, known = true;
      if (t.textContent.split(" = ").length < 3) return;  // ∂J/∂x = 1: a number for a formula, always so
      edgeSteps[k].forEach(function (s) {
        if (!state.known[s[0]]) known = false;
        value *= locals[s[0]][s[1]];
      });
      var shown = known ? p.fmt(value) : fault ? "—" : "?";
      t.textContent = t.textContent.replace(/ = [^=]*$/, " = " + shown);
    });
  }

  function named(i) {  // what a folded node's number is called
    return p.forward ? "∂" + p.names[i] + "/∂" + p.names[p.wrt] + " = " : p.names[i] + ".grad = ";
  }

  function folded(state, f) {
    Array.prototype.forEach.call(p.root.querySelectorAll(".cr-fold"), function (t) { t.remove(); });
    var notes = {}, seen = {};
    function note(i, text) {
      var n = p.nodes[i];
      if (n.drawn || n.constant || !p.boxes[n.box] || seen[i]) return;
      seen[i] = true;
      (notes[n.box] = notes[n.box] || []).push(text);
    }
    if (f.kind === "forward") {
      note(f.node, p.names[f.node] + " = " + p.fmt(state.known[f.node] ? p.vals()[f.node] : undefined));
    } else if (f.kind === "backward" || f.kind === "tangent") {
      note(f.node, named(f.node) + p.fmt(state.grad[f.node]));
      f.parents.forEach(function (q) { note(q, named(q) + p.fmt(state.grad[q])); });
    }
    Object.keys(notes).forEach(function (box) { write(p.boxes[box], notes[box]); });
  }

  function write(g, lines) {
    var shape = g.querySelector("polygon, path"), row = g.querySelector("text");
    if (!shape || !row || !shape.getBBox) return;
    var b = shape.getBBox(), size = parseFloat(row.getAttribute("font-size")) || 11;
    lines.forEach(function (line, j) {  // beside the box, on its right, a line per node
      var t = document.createElementNS(SVG, "text");
      t.setAttribute("class", "cr-fold");
      t.setAttribute("x", b.x + b.width + 6);
      t.setAttribute("y", b.y + (j + 1) * size * 1.3);
      t.setAttribute("font-family", row.getAttribute("font-family"));
      t.setAttribute("font-size", size);
      t.textContent = line;
      g.appendChild(t);
      room(t);
    });
  }

  // a note past the drawing's right edge makes the drawing wider (the viewBox grows, never shrinks)
  function room(t) {
    var view = svg.viewBox.baseVal, s = svg.getBoundingClientRect();
    var over = (t.getBoundingClientRect().right - s.right) * view.width / s.width;
    if (over > 0) {
      view.width += over + 4;
      svg.setAttribute("width", view.width + "pt");
    }
  }

  return {show: function (state, f) { edges(state); folded(state, f); }};
};
