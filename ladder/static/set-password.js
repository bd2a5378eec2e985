// The set-password link ends in "#code", which the browser never sends to the server: put the code in the
// form's field and take it out of the address bar (and so out of the history). Without JavaScript the page
// asks the person to copy it over.
(function () {
  var field = document.getElementById("token");
  var code = window.location.hash.slice(1);
  if (!field || !code) { return; }
  if (!field.value) { field.value = decodeURIComponent(code); }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
