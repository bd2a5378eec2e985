/* Area picker: turns a long select of areas (grouped by their larger area) into a text box that suggests areas
   while typing, after the ARIA combobox pattern (role=combobox with a listbox, aria-activedescendant).
   The select stays in the form, hidden, and carries the answer; without JavaScript it is used as it is.
   The box's own text is sent too (<name>-typed): the server looks up a name typed without choosing a
   suggestion, and shows the text again beside the error when it names no area (data-typed). */
(function () {
  "use strict";

  function plain(text) {
    // the server's rule too (question_types._loose): no accents, no case, hyphens and marks as one space
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function enhance(select, index) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (!label) { return; }
    var areas = Array.prototype.filter.call(select.options, function (o) { return o.value; }).map(function (o) {
      var group = o.getAttribute("data-group") || "";
      return {value: o.value, name: o.text.trim(), group: group, key: plain(o.text + " " + group)};
    });
    var id = select.id;
    select.id = id + "-select";
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    var wrap = document.createElement("div");
    wrap.className = "autocomplete";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.name = select.name + "-typed";
    input.className = "input";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    var instructions = document.createElement("span");
    instructions.id = id + "-instructions";
    instructions.className = "hint";
    instructions.textContent = select.getAttribute("data-instructions");
    var described = (select.getAttribute("aria-describedby") || "") + " " + instructions.id;
    input.setAttribute("aria-describedby", described.trim());
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); }
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-labelledby", label.id || (label.id = id + "-label"));
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden autocomplete-status";
    status.setAttribute("role", "status");

    var chosen = areas.filter(function (a) { return a.value === select.value; })[0];
    input.value = chosen ? chosen.name : (select.getAttribute("data-typed") || "");
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    var error = document.getElementById(id + "-error");  // a visible hint on how the box works, before any error
    (error || select).parentNode.insertBefore(instructions, error || select);
    select.parentNode.insertBefore(wrap, select);

    var shown = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(n) {
      var items = list.children;
      if (active >= 0 && items[active]) { items[active].setAttribute("aria-selected", "false"); }
      active = n;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(area) {
      input.value = area.name;
      select.value = area.value;
      close();
    }

    function suggest(all) {
      var typed = plain(input.value);
      var exact = areas.filter(function (a) { return plain(a.name) === typed; });
      select.value = exact.length === 1 ? exact[0].value : "";
      shown = typed ? areas.filter(function (a) {
        return a.key.split(" ").some(function (word) { return word.indexOf(typed) === 0; }) ||
          a.key.indexOf(typed) === 0;
      }) : (all ? areas : []);
      list.textContent = "";
      shown.forEach(function (area, n) {
        var item = document.createElement("li");
        item.id = id + "-option-" + n;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = area.group ? area.name + " (" + area.group + ")" : area.name;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(area); });
        list.appendChild(item);
      });
      active = -1;
      var open = typed.length > 0 || all === true;
      list.hidden = !open || !shown.length;
      input.setAttribute("aria-expanded", String(open && shown.length > 0));
      if (!open) { status.textContent = ""; }
      else if (!shown.length) { status.textContent = select.getAttribute("data-no-match"); }
      else if (shown.length === 1) { status.textContent = select.getAttribute("data-match-one"); }
      else { status.textContent = select.getAttribute("data-matches").replace("{n}", String(shown.length)); }
    }

    input.addEventListener("input", function () { suggest(false); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) { suggest(true); }  // on an empty box: the whole list
        if (shown.length) { highlight(Math.min(active + 1, shown.length - 1)); }
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        if (shown.length) { highlight(Math.max(active - 1, 0)); }
        event.preventDefault();
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        choose(shown[active]);
        event.preventDefault();  // choosing is not sending the form
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-area-picker]"), enhance);
})();
