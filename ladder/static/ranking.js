/* Ranking: keep "Uw volgorde" under the items current while positions are chosen.
   Without JavaScript the list shows the order as last saved; the selects alone carry the answer. */
(function () {
  "use strict";

  function render(containerId) {
    var container = document.getElementById(containerId);
    if (!container) { return; }
    var selects = document.querySelectorAll('select[data-ranking="' + containerId + '"]');
    var byPlace = {};
    Array.prototype.forEach.call(selects, function (select) {
      var place = parseInt(select.value, 10);
      if (place && !(place in byPlace)) { byPlace[place] = select.getAttribute("data-label"); }
    });
    var places = Object.keys(byPlace).map(Number).sort(function (a, b) { return a - b; });
    container.textContent = "";
    if (!places.length) {
      var empty = document.createElement("p");
      empty.textContent = container.getAttribute("data-empty");
      container.appendChild(empty);
      return;
    }
    var list = document.createElement("ol");
    list.className = "ranking-order";
    list.setAttribute("aria-labelledby", containerId + "-title");
    places.forEach(function (place) {
      var item = document.createElement("li");
      item.value = place;  // a gap (1, 3) stays visible as a gap
      item.textContent = byPlace[place];
      list.appendChild(item);
    });
    container.appendChild(list);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-ranking]")) {
      render(target.getAttribute("data-ranking"));
    }
  });
})();
