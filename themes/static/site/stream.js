// The stream page (site/stream.html): plays the HLS playlist with hls.js (or natively where the
// browser can), and keeps the viewer count, the chat and the gifts live through the stream's
// socket (docs/streams.md, "The stream socket"). Chat lines and gifts are sent on the socket
// too; a gift's frame carries a fresh ref, the Idempotency-Key that makes a resend pay once.
(function () {
  "use strict";
  var page = document.getElementById("stream");
  if (!page) return;
  var video = document.getElementById("stream-video");
  var notice = document.getElementById("stream-notice");
  var stateLabel = document.getElementById("stream-state");
  var viewers = document.getElementById("viewer-count");
  var chatLines = document.getElementById("chat-lines");
  var giftLines = document.getElementById("gift-lines");
  var chatForm = document.getElementById("chat-form");
  var errorBox = document.getElementById("stream-error");
  var socket = null;
  var player = null;
  var ended = false;
  var retryDelay = 1000;
  var LINES_KEPT = 200;

  function play(url) {
    if (!url || player) return;
    notice.textContent = "";
    if (window.Hls && window.Hls.isSupported()) {
      player = new window.Hls();
      player.loadSource(url);
      player.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      player = true;
      video.src = url;
    }
  }

  function stop() {
    ended = true;
    if (player && player !== true) player.destroy();
    player = null;
    video.removeAttribute("src");
    notice.textContent = page.dataset.endedText;
    stateLabel.textContent = page.dataset.endedText;
    stateLabel.className = "state state-ended";
    viewers.textContent = "0";
  }

  function trim(list) {
    while (list.children.length > LINES_KEPT) list.removeChild(list.firstChild);
  }

  function addChat(line) {
    var item = document.createElement("li");
    var name = document.createElement("strong");
    name.textContent = line.name;
    item.appendChild(name);
    item.appendChild(document.createTextNode(" " + line.body));
    item.dataset.id = line.id;
    chatLines.appendChild(item);
    trim(chatLines);
    chatLines.scrollTop = chatLines.scrollHeight;
  }

  function addGift(gift) {
    var item = document.createElement("li");
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = gift.icon;
    var name = document.createElement("strong");
    name.textContent = gift.sender_name;
    item.appendChild(icon);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(name);
    item.appendChild(document.createTextNode(" × " + gift.quantity + " " + gift.gift_name));
    giftLines.appendChild(item);
    trim(giftLines);
  }

  function showError(message) {
    if (!errorBox) return;
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  var handlers = {
    ready: function (frame) {
      chatLines.textContent = "";
      giftLines.textContent = "";
      frame.chat.forEach(addChat);
      frame.gifts.forEach(addGift);
      viewers.textContent = String(frame.stream.viewer_count);
      if (frame.stream.state === "live") play(frame.stream.hls_url);
      if (frame.stream.state === "ended") stop();
    },
    viewers: function (frame) { viewers.textContent = String(frame.data.count); },
    chat: function (frame) { addChat(frame.data); },
    gift: function (frame) { addGift(frame.data); },
    state: function (frame) {
      if (frame.data.state === "live") {
        stateLabel.textContent = page.dataset.liveText;
        stateLabel.className = "state state-live";
        play(frame.data.hls_url);
      } else if (frame.data.state === "ended") {
        stop();
      }
    },
    ok: function () { showError(""); },
    error: function (frame) { showError(frame.message); },
  };

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + page.dataset.socket);
    socket.addEventListener("open", function () { retryDelay = 1000; });
    socket.addEventListener("message", function (event) {
      var frame = JSON.parse(event.data);
      var handle = handlers[frame.type];
      if (handle) handle(frame);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      // 44xx: refused for good (unknown stream, signed out); otherwise try again, slower each time.
      if (ended || (event.code >= 4400 && event.code < 4500)) return;
      notice.textContent = page.dataset.lostText;
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  function newRef() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  if (chatForm) {
    chatForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = chatForm.elements.body;
      if (!input.value.trim()) return;
      send({ type: "chat.send", body: input.value, ref: newRef() });
      input.value = "";
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".gift-button"), function (button) {
    button.addEventListener("click", function () {
      send({ type: "gift.send", gift_id: Number(button.dataset.giftId), quantity: 1, ref: newRef() });
    });
  });

  if (page.dataset.hls) play(page.dataset.hls);
  connect();
})();
