// Staff keying in a paper form: put the cursor in the first answer of the page, so each page starts without
// tabbing past the header. Without JavaScript the page works the same, with a few more Tabs.
document.addEventListener("DOMContentLoaded", function () {
  if (document.querySelector(".error-summary")) return;  // the error summary takes focus itself
  var first = document.querySelector("form.entry-form .question input:not([type=hidden]), " +
                                     "form.entry-form .question select, form.entry-form .question textarea");
  if (first) first.focus();
});
