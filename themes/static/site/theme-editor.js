/* The theme editor's live preview: as the staff type, the form is posted for a preview (the
   same request as the "Preview" button) and the frame shows the draft. Without this script
   the buttons do the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-frame]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var frame = document.getElementById(form.getAttribute("data-preview-frame"));
  var status = document.getElementById(form.getAttribute("data-preview-status"));
  var timer = null;
  var sent = 0;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function preview() {
    var data = new FormData(form);
    data.set("action", "preview");
    var mine = ++sent;
    // form.action would be the buttons named "action", not the address.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (mine !== sent) {
          return;
        }
        if (response.ok && body.preview) {
          frame.src = body.preview;
          say(form.getAttribute("data-text-shown") || "");
        } else {
          var messages = [];
          Object.keys(body.errors || {}).forEach(function (name) {
            messages = messages.concat(body.errors[name]);
          });
          say(messages.join(" "));
        }
      });
    }).catch(function () {
      /* The buttons still work. */
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, 400);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
