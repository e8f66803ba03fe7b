/* A conversation made live (site/_thread.html, themes/pages/threads.py) over the user's socket
   (/ws/live/, same origin, the session cookie; realtime/consumers.py describes its frames).
   New messages of this thread appear as they arrive, each with the body the server masked;
   the composer sends text over the socket (a file still goes with the form, as does
   everything when the socket is down); the other party's typing and read receipts show; a
   message arriving while the page is visible is marked read. A dropped socket comes back,
   slower each time, after the last event it saw, so nothing is lost; when the server cannot
   promise that (resync), the messages are loaded again from the page itself. */
(function () {
  "use strict";
  var box = document.querySelector("[data-live-thread][data-live-path]");
  if (!box || !window.WebSocket || !window.fetch) {
    return;
  }
  var threadId = Number(box.getAttribute("data-thread-id"));
  var userId = Number(box.getAttribute("data-user-id"));
  var lastEventId = box.getAttribute("data-last-event-id");
  var readByOther = Number(box.getAttribute("data-read-by-other")) || 0;
  var unread = Number(box.getAttribute("data-unread")) > 0;
  var list = part("messages");
  var template = part("message");
  var composer = part("composer");
  var typingNote = part("typing");
  var errorBox = part("error");
  var offline = part("offline");
  var clock = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
    dateStyle: "medium", timeStyle: "medium", timeZone: box.getAttribute("data-time-zone") || "UTC"
  });
  var TYPING_EVERY_MS = 2000;
  var TYPING_SHOWN_MS = 4000;
  var socket = null;
  var retry = 1000;
  var refused = false;
  var typingSentAt = 0;
  var typingTimer = null;
  var sending = {};
  var refs = 0;

  function part(name) {
    return box.querySelector("[data-thread=" + name + "]");
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  /* The read receipt sits on the user's own newest message, once the other party read it. */
  function showSeen() {
    var mine = list.querySelectorAll("li.mine");
    list.querySelectorAll("[data-thread=seen]").forEach(function (seen) { seen.hidden = true; });
    var last = mine[mine.length - 1];
    if (last && Number(last.getAttribute("data-message-id")) <= readByOther) {
      last.querySelector("[data-thread=seen]").hidden = false;
    }
  }

  function markRead(upTo) {
    if (document.visibilityState !== "visible") {
      unread = true;
      return;
    }
    var frame = {type: "thread.read", thread_id: threadId};
    if (upTo) {
      frame.up_to = upTo;
    }
    if (send(frame)) {
      unread = false;
      var button = part("mark-read");
      if (button) {
        button.hidden = true;
      }
    }
  }

  function lines(into, text) {
    text.split("\n").forEach(function (line, index) {
      if (index) {
        into.appendChild(document.createElement("br"));
      }
      into.appendChild(document.createTextNode(line));
    });
  }

  function rendered(message) {
    var item = template.content.firstElementChild.cloneNode(true);
    var mine = message.sender_id === userId;
    item.setAttribute("data-message-id", String(message.id));
    item.querySelector("[data-slot=who]").textContent =
      box.getAttribute(mine ? "data-you" : "data-other");
    var time = item.querySelector("[data-slot=time]");
    time.setAttribute("datetime", message.created_at);
    time.textContent = clock.format(new Date(message.created_at));
    var body = item.querySelector("[data-slot=body]");
    if (message.body) {
      lines(body, message.body);
    } else {
      body.remove();
    }
    var attachment = item.querySelector("[data-slot=attachment]");
    if (message.attachment) {
      var link = attachment.querySelector("a");
      link.setAttribute("href", new URL(message.attachment.url).pathname);
      link.textContent = link.textContent.replace("{name}", message.attachment.name);
    } else {
      attachment.remove();
    }
    if (mine) {
      item.classList.add("mine");
    } else {
      item.querySelector("[data-thread=seen]").remove();
    }
    item.querySelectorAll("[data-slot]").forEach(function (slot) { slot.removeAttribute("data-slot"); });
    return item;
  }

  function append(message) {
    if (list.querySelector("[data-message-id='" + message.id + "']")) {
      return; // delivered twice: after the page was made, and again over the socket
    }
    var empty = part("empty");
    if (empty) {
      empty.remove();
    }
    var latest = list.querySelector("#latest");
    if (latest) {
      latest.removeAttribute("id");
    }
    var item = rendered(message);
    item.id = "latest";
    list.appendChild(item);
    showSeen();
    item.scrollIntoView({block: "nearest"});
  }

  /* The server could not promise the missed events: the page's own list, fetched again. */
  function reload() {
    fetch(box.getAttribute("data-page-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-live-thread] [data-thread=messages]");
        if (fresh) {
          list.innerHTML = fresh.innerHTML;
          showSeen();
        }
      })
      .catch(function () {});
  }

  function typingShown(shown) {
    window.clearTimeout(typingTimer);
    typingNote.hidden = !shown;
    if (shown) {
      typingTimer = window.setTimeout(function () { typingNote.hidden = true; }, TYPING_SHOWN_MS);
    }
  }

  function setCounts(counts) {
    Object.keys(counts).forEach(function (name) {
      document.querySelectorAll("[data-live-count=" + name + "]").forEach(function (badge) {
        badge.textContent = String(counts[name]);
        badge.hidden = !counts[name];
      });
    });
  }

  var handlers = {
    "ready": function () {
      box.setAttribute("data-state", "live");
      if (unread) {
        markRead(null);
      }
    },
    "resync": reload,
    "message.new": function (frame) {
      if (frame.data.thread_id !== threadId) {
        return;
      }
      append(frame.data.message);
      if (frame.data.message.sender_id !== userId) {
        typingShown(false);
        markRead(frame.data.message.id);
      }
    },
    "thread.read": function (frame) {
      if (frame.data.thread_id === threadId && frame.data.reader_id !== userId) {
        readByOther = Math.max(readByOther, frame.data.last_read_message_id);
        showSeen();
      }
    },
    "typing": function (frame) {
      if (frame.data.thread_id === threadId && frame.data.user_id !== userId) {
        typingShown(true);
      }
    },
    "counts": function (frame) { setCounts(frame.data); },
    "ok": function (frame) {
      var input = sending[frame.ref];
      if (input) {
        delete sending[frame.ref];
        input.value = "";
        showError("");
      }
    },
    "error": function (frame) {
      if (frame.ref && sending[frame.ref]) {
        delete sending[frame.ref];
        showError(frame.message);
      }
    }
  };

  function open() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var query = lastEventId ? "?last_event_id=" + encodeURIComponent(lastEventId) : "";
    socket = new WebSocket(scheme + window.location.host + box.getAttribute("data-live-path") + query);
    socket.onopen = function () {
      retry = 1000;
      offline.hidden = true;
    };
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.id && frame.type !== "ok" && frame.type !== "error") {
        lastEventId = frame.id;
      }
      var handler = handlers[frame.type];
      if (handler) {
        handler(frame);
      }
    };
    socket.onclose = function (event) {
      socket = null;
      box.setAttribute("data-state", "offline");
      /* 44xx: refused for good (signed out, another site); the form still works. */
      if (event.code >= 4400 && event.code < 4500) {
        refused = true;
        return;
      }
      offline.hidden = false;
      window.setTimeout(open, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  composer.addEventListener("submit", function (event) {
    var input = composer.elements.body;
    var file = composer.elements.attachment;
    if (refused || (file && file.files.length) || !input.value.trim()) {
      return; // the form posts: a file, an empty message (its refusal), or no socket for good
    }
    refs += 1;
    var ref = "send-" + refs;
    if (send({type: "message.send", thread_id: threadId, body: input.value, ref: ref})) {
      event.preventDefault();
      sending[ref] = input;
    }
  });

  composer.elements.body.addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSentAt >= TYPING_EVERY_MS && composer.elements.body.value.trim()) {
      typingSentAt = now;
      send({type: "typing", thread_id: threadId});
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && unread) {
      markRead(null);
    }
  });

  showSeen();
  open();
})();
