// On the thank-you page, while the payment is pending: check the recorded status
// every two seconds (for at most a minute) and show it once Stripe has confirmed.
// Without JavaScript the "Check again" link does the same.
(function () {
  "use strict";
  var status = document.querySelector("[data-testid=status]");
  if (!status || !window.fetch) return;
  var tries = 0;
  function check() {
    tries += 1;
    fetch(window.location.href, { headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-testid=status]");
        if (fresh && !fresh.querySelector("a")) {
          status.textContent = fresh.textContent;
        } else if (tries < 30) {
          window.setTimeout(check, 2000);
        }
      })
      .catch(function () { if (tries < 30) window.setTimeout(check, 2000); });
  }
  window.setTimeout(check, 2000);
})();
