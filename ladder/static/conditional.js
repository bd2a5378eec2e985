/* Conditional reveal (after the GOV.UK pattern) for a question whose condition reads an earlier question of
   the same page. Without JavaScript the question is shown with its condition in words, and the server drops
   its answer when the condition does not hold. With it, the question stays hidden until the condition holds
   and then appears in place; the inputs it depends on point at it with aria-controls. No aria-expanded:
   ARIA does not allow it on radios and check boxes (axe's aria-allowed-attr), which is why GOV.UK dropped it
   from this pattern too; the block's hidden attribute tells assistive technology whether it is there.

   The server writes the condition as data-condition, with the parts about earlier pages already decided
   ({"value": true}). The operators come from ladder/conditions.py's table, written on this script's tag as
   data-operators (name: {"relation": "at_least", "negated": false}, ...); this script only implements
   the few relations they are made of (conditions.RELATIONS). */
(function () {
  "use strict";

  var script = document.querySelector("script[data-operators]");
  var OPERATORS = {};
  try { OPERATORS = JSON.parse(script.getAttribute("data-operators")); } catch (e) { return; }

  // The current value of a question of this form: a list for check boxes, else a string ("" if none).
  function valueOf(form, name) {
    var inputs = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
    var list = [];
    var value = "";
    var isList = false;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox") {
        isList = true;
        if (input.checked) { list.push(input.value); }
      } else if (input.type === "radio") {
        if (input.checked) { value = input.value; }
      } else if (input.tagName === "SELECT" && input.multiple) {
        isList = true;
        for (var j = 0; j < input.options.length; j++) {
          if (input.options[j].selected) { list.push(input.options[j].value); }
        }
      } else {
        value = input.value.trim();
      }
    }
    return isList ? list : value;
  }

  function answered(value) { return Array.isArray(value) ? value.length > 0 : value !== ""; }

  function number(value) {
    if (Array.isArray(value) || !/^-?[0-9]+([.,][0-9]+)?$/.test(value)) { return null; }
    return parseFloat(value.replace(",", "."));
  }

  function relation(name, value, expected) {
    switch (name) {
      case "is": return value === expected;
      case "one_of": return expected.indexOf(value) !== -1;
      case "holds": return Array.isArray(value) && value.indexOf(expected) !== -1;
      case "at_least": return number(value) !== null && number(value) >= expected;
      case "at_most": return number(value) !== null && number(value) <= expected;
      default: return false;
    }
  }

  function holds(form, condition) {
    if ("value" in condition) { return condition.value === true; }
    if (condition.all) { return condition.all.every(function (c) { return holds(form, c); }); }
    if (condition.any) { return condition.any.some(function (c) { return holds(form, c); }); }
    if (condition.not) { return !holds(form, condition.not); }
    var value = valueOf(form, condition.question);
    var has = answered(value);
    return Object.keys(condition).every(function (name) {
      if (name === "question") { return true; }
      var op = OPERATORS[name];
      var expected = condition[name];
      if (!op) { return false; }
      if (op.relation === null) { return has === Boolean(expected); }  // whether there is an answer at all
      return has && relation(op.relation, value, expected) !== op.negated;
    });
  }

  function names(condition, out) {
    if (condition.question) { out.push(condition.question); }
    (condition.all || condition.any || []).forEach(function (c) { names(c, out); });
    if (condition.not) { names(condition.not, out); }
    return out;
  }

  function enhance(block) {
    var form = block.closest("form");
    var condition;
    try { condition = JSON.parse(block.getAttribute("data-condition")); } catch (e) { return; }
    if (!form || !condition) { return; }
    var when = block.querySelector(".conditional__when");
    if (when) { when.hidden = true; }  // the reveal in place says it; the sentence is for pages without JS
    var controls = [];
    names(condition, []).forEach(function (name) {
      var inputs = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
      for (var i = 0; i < inputs.length; i++) { controls.push(inputs[i]); }
    });
    controls.forEach(function (input) {
      var ids = (input.getAttribute("aria-controls") || "").split(" ").filter(Boolean);
      if (ids.indexOf(block.id) === -1) { ids.push(block.id); }
      input.setAttribute("aria-controls", ids.join(" "));
    });

    function update() {
      var shown = holds(form, condition);
      block.hidden = !shown;
    }

    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  function start() {
    var blocks = document.querySelectorAll("[data-condition]");
    for (var i = 0; i < blocks.length; i++) { enhance(blocks[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
