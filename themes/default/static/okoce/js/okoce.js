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
//   <button data-favourite="ID">  a heart: filled when the product is among the signed-in
//   shopper's favourites (the page lists their ids in <script id="favourite-ids">; the cards
//   themselves carry no per-user state, so a cached card still shows the right heart)
(function () {
  var source = document.getElementById("favourite-ids");
  var ids = [];
  try { ids = source ? JSON.parse(source.textContent) : []; } catch (e) { ids = []; }
  var favourites = {};
  ids.forEach(function (id) { favourites[String(id)] = true; });
  document.querySelectorAll("[data-favourite]").forEach(function (heart) {
    var on = !!favourites[heart.getAttribute("data-favourite")];
    heart.setAttribute("aria-pressed", on ? "true" : "false");
    heart.setAttribute("aria-label", heart.getAttribute(on ? "data-label-remove" : "data-label-add"));
  });
})();
