/* The return page waits for the payment provider's word: it asks the site (same origin) where
   the payment stands and reloads once that changes. Without JavaScript, "Check again" does it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var state = box.getAttribute("data-state");
  var bookingState = box.getAttribute("data-booking-state") || "";
  var tries = 0;
  var MAX_TRIES = 300;

  function later(delay) {
    if (tries < MAX_TRIES) {
      window.setTimeout(poll, delay);
    }
  }

  function poll() {
    tries += 1;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (found) {
        if (found && (found.state !== state || (found.booking_state || "") !== bookingState)) {
          window.location.reload();
          return;
        }
        later(2000);
      })
      .catch(function () { later(5000); });
  }

  later(1500);
}());
