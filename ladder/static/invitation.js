// The invitation letter's link carries the code after "#", which browsers never send to the server.
// Copy it into the form and take it out of the address bar, so it is not kept in the history either.
(function () {
  var field = document.querySelector("input[data-from-link]");
  var code = decodeURIComponent((window.location.hash || "").slice(1)).trim();
  if (!field || !code || code.length > 64) { return; }
  field.value = code;
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
