/* Conditional reveal (after the GOV.UK pattern) for a question whose condition reads an earlier question of
   the same page. Without JavaScript the question is shown with its condition in words, and the server drops
   its answer when the condition does not hold. With it, the question stays hidden until the condition holds
   and then appears in place; the inputs it depends on point at it with aria-controls. No aria-expanded:
   ARIA does not allow it on radios and check boxes (axe's aria-allowed-attr), which is why GOV.UK dropped it
   from this pattern too; the block's hidden attribute tells assistive technology whether it is there.

   The server writes the condition as data-condition, with the parts about earlier pages already decided
   ({"value": true}); the operators are those of ladder/conditions.py. */
(function () {
  "use strict";

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

  function holds(form, condition) {
    if ("value" in condition) { return condition.value === true; }
    if (condition.all) { return condition.all.every(function (c) { return holds(form, c); }); }
    if (condition.any) { return condition.any.some(function (c) { return holds(form, c); }); }
    if (condition.not) { return !holds(form, condition.not); }
    var value = valueOf(form, condition.question);
    var has = answered(value);
    return Object.keys(condition).every(function (op) {
      var expected = condition[op];
      switch (op) {
        case "question": return true;
        case "answered": return has === Boolean(expected);
        case "equals": return has && value === expected;
        case "not_equals": return has && value !== expected;
        case "in": return has && expected.indexOf(value) !== -1;
        case "contains": return has && Array.isArray(value) && value.indexOf(expected) !== -1;
        case "min": return has && number(value) !== null && number(value) >= expected;
        case "max": return has && number(value) !== null && number(value) <= expected;
        default: return false;
      }
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
