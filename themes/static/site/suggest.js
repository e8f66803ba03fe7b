/* Suggestions as one types: fills the <datalist> of each input with a data-suggest address
   (the API's /api/v1/search/suggest/) from what is typed. Without JavaScript the input is
   a plain search box. */
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  var WAIT_MS = 200;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = 0;
    var asked = "";
    var controller = null;

    function fill(suggestions) {
      while (list.firstChild) list.removeChild(list.firstChild);
      suggestions.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.text;
        list.appendChild(option);
      });
    }

    function ask() {
      var text = input.value.replace(/\s+/g, " ").trim();
      if (text.length < MIN_LENGTH || text === asked) return;
      asked = text;
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin",
                   signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) { if (asked === text) fill(body.suggestions || []); })
        .catch(function () { /* offline or aborted: keep typing without suggestions */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
  }

  document.querySelectorAll("input[data-suggest][list]").forEach(attach);
})();
