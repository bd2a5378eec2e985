// A print button where JavaScript runs; without it the page says how to print (Ctrl+P).
(function () {
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
  var hints = document.querySelectorAll("[data-print-hint]");
  for (var j = 0; j < hints.length; j++) { hints[j].hidden = true; }
})();
