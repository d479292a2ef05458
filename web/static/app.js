// Shows and hides follow-up questions as the answers they depend on change. The server marks
// each such question with data-show-if="question:value value" and decides again on submit;
// without this script, a follow-up appears after Next instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-show-if]").forEach(function (box) {
    var spec = box.getAttribute("data-show-if");
    var at = spec.indexOf(":");
    var name = spec.slice(0, at);
    var values = spec.slice(at + 1).split(" ");
    var form = box.closest("form");
    if (!form) {
      return;
    }
    var inputs = form.querySelectorAll('input[name="' + name + '"]');
    function update() {
      var show = false;
      inputs.forEach(function (el) {
        if (el.checked && values.indexOf(el.value) >= 0) {
          show = true;
        }
      });
      box.hidden = !show;
      // Disabled inputs are not submitted, so a hidden question sends nothing.
      box.querySelectorAll("input").forEach(function (el) {
        el.disabled = !show;
      });
    }
    inputs.forEach(function (el) {
      el.addEventListener("change", update);
    });
  });
})();
