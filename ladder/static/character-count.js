/* Character count (after the GOV.UK pattern), for text fields with a limit.
   Without JavaScript the hint under the field states the limit ("Hoogstens 200 tekens."); with it, the hint
   counts down while typing. The field points at the hint with aria-describedby; a separate, hidden live region
   says the count to screen readers once typing pauses, so they are not interrupted at every key. */
(function () {
  "use strict";

  function fill(template, n) { return template.replace("{n}", String(n)); }

  function enhance(hint) {
    var field = document.getElementById(hint.getAttribute("data-character-count"));
    var limit = parseInt(hint.getAttribute("data-limit"), 10);
    if (!field || !limit) { return; }
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    hint.parentNode.insertBefore(live, hint.nextSibling);
    var timer = null;

    function message() {
      var left = limit - field.value.length;
      if (left >= 0) {
        return left === 1 ? hint.getAttribute("data-left-one") : fill(hint.getAttribute("data-left"), left);
      }
      return left === -1 ? hint.getAttribute("data-over-one") : fill(hint.getAttribute("data-over"), -left);
    }

    function update(announce) {
      var text = message();
      hint.textContent = text;
      hint.classList.toggle("character-count--over", field.value.length > limit);
      if (announce) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { live.textContent = text; }, 1000);
      }
    }

    field.addEventListener("input", function () { update(true); });
    update(false);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-character-count]"), enhance);
})();
