// Long multiple selects (lecturers, catchment units, co-organisers…): a filter box
// above the list that hides what does not match — typed with or without accents —
// and a line naming what is chosen, since chosen options scroll out of sight.
// Without JavaScript the plain select still works.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function wire(select) {
    if (select.dataset.filterWired) return;
    select.dataset.filterWired = "1";
    var box = document.getElementById(select.id + "-filter");
    var chosen = document.getElementById(select.id + "-chosen");
    if (!box) return;
    box.hidden = false;
    var folded = Array.prototype.map.call(select.options, function (o) { return fold(o.text); });
    box.addEventListener("input", function () {
      var words = fold(box.value).split(" ").filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option, i) {
        var match = words.every(function (w) { return folded[i].indexOf(w) !== -1; });
        option.hidden = !(match || option.selected);
      });
    });
    var hint = chosen ? chosen.textContent : "";
    function show() {
      if (!chosen) return;
      var names = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.text; });
      chosen.textContent = names.length ? chosen.dataset.label + " " + names.join("; ") : hint;
    }
    select.addEventListener("change", show);
    show();
  }
  function wireAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-filterable]"), wire);
  }
  document.addEventListener("DOMContentLoaded", function () { wireAll(document); });
  document.addEventListener("htmx:load", function (event) { wireAll(event.target); });
})();
