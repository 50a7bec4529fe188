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

  // Fee cover: "Add $0.91 so all of my $20 reaches you" for the amount chosen. The
  // arithmetic is donations/fee_cover.py's, in whole numbers; the server computes
  // what is charged.
  var fee = form.querySelector("input[name=cover_fee]");
  var feeLabel = fee && form.querySelector("label[for=" + fee.id + "]");
  // Amounts as the page's language writes them: "1,250.50" in English, "1.250,50" in
  // Spanish (the form's rules, donations/amount_field.py, decide what is accepted).
  function chosenUnits() {
    var typed = other ? other.value.split(fee.dataset.group).join("") : "";
    typed = typed.split(fee.dataset.decimal).join(".").replace(/[^0-9.]/g, "");
    if (typed !== "" && /^\d+(\.\d+)?$/.test(typed)) {
      return Math.round(parseFloat(typed) * Math.pow(10, Number(fee.dataset.exponent)));
    }
    var checked = form.querySelector("input[name=amount]:checked");
    return checked ? Number(checked.value) : 0;
  }
  function money(units) {
    var exponent = Number(fee.dataset.exponent);
    var value = units / Math.pow(10, exponent);
    var whole = value === Math.floor(value);
    return new Intl.NumberFormat(fee.dataset.locale, {
      style: "currency", currency: fee.dataset.currency, useGrouping: "always",
      minimumFractionDigits: whole ? 0 : exponent, maximumFractionDigits: whole ? 0 : exponent,
    }).format(value);
  }
  function coverOf(gift) {
    var points = Number(fee.dataset.feeBasisPoints), unit = Number(fee.dataset.feeStep);
    var total = Math.ceil((gift + Number(fee.dataset.feeFixed)) * 10000 / (10000 - points));
    return Math.ceil(total / unit) * unit - gift;
  }
  function syncFee() {
    var gift = chosenUnits();
    if (!gift) return;
    feeLabel.textContent = fee.dataset.wording
      .replace("%(fee)s", money(coverOf(gift))).replace("%(gift)s", money(gift));
  }
  if (fee && feeLabel) {
    form.addEventListener("input", syncFee);
    form.addEventListener("change", syncFee);
    syncFee();
  }
})();
