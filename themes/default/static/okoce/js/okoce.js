// Behaviour that would otherwise be inline event handlers, which the shop's
// Content-Security-Policy does not allow.
//   <select data-autosubmit>      submits its form when changed
//   <a href="#" data-print>       prints the page
// A field still written with onchange="this.form.submit()" (which the policy blocks)
// is treated like data-autosubmit.
var AUTOSUBMIT = '[data-autosubmit], [onchange="this.form.submit()"]';
document.addEventListener("change", function (event) {
  var field = event.target.closest && event.target.closest(AUTOSUBMIT);
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-print]");
  if (link) {
    event.preventDefault();
    window.print();
  }
});
//   <a href="#" data-back>        goes back one page
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-back]");
  if (link) {
    event.preventDefault();
    window.history.go(-1);
  }
});
