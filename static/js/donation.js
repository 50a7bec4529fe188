// Progressive enhancement for the donation box: the form works without it.
// Shows the payment count only for recurring donations, and clears the preset
// amount buttons when another amount is typed (and the reverse).
(function () {
  "use strict";
  var form = document.querySelector(".donation-form");
  if (!form) return;
  // After an invalid submit: the list of what to fix has focus (the address's
  // #donation-errors already scrolls to it, and focuses it in most browsers).
  var errors = document.getElementById("donation-errors");
  if (errors && document.activeElement !== errors) errors.focus();
  var frequency = form.querySelector("select[name=frequency]");
  var countBox = form.querySelector(".payment-count");
  var other = form.querySelector("input[name=other_amount]");
  var presets = form.querySelectorAll("input[name=amount]");

  function syncCount() {
    if (frequency && countBox) countBox.hidden = frequency.value === "one_time";
  }
  if (frequency) frequency.addEventListener("change", syncCount);
  syncCount();

  if (other) {
    other.addEventListener("input", function () {
      if (other.value.trim() !== "") presets.forEach(function (p) { p.checked = false; });
    });
  }
  presets.forEach(function (preset) {
    preset.addEventListener("change", function () { if (other) other.value = ""; });
  });
})();
