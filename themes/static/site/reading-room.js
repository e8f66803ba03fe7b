/* The reading room (themes/pages/reading_room.py): the meter kept live over the room's socket
   (/ws/sessions/<id>/, same origin, the session cookie), the End button, and for phone and
   video readings the WebRTC call between the two browsers. The socket relays the call's
   signals to the other party and hands out the ICE servers; the media never pass through the
   site. The customer calls (offers) when the provider is there; the provider answers. */
(function () {
  "use strict";
  var room = document.querySelector("[data-socket-path]");
  if (!room || !window.WebSocket) {
    return;
  }
  var role = room.getAttribute("data-role");
  var channel = room.getAttribute("data-channel");
  var currency = room.getAttribute("data-currency");
  var lang = document.documentElement.lang || "en";
  var money = new Intl.NumberFormat(lang, {style: "currency", currency: currency});
  var digits = money.resolvedOptions().maximumFractionDigits;
  var socket = null;
  var peer = null;
  var pending = [];
  var localStream = null;
  var iceServers = [];
  var over = !room.querySelector("[data-room=ended]").hidden;
  var retry = 1000;

  function part(name) {
    return room.querySelector("[data-room=" + name + "]");
  }

  /* Minor units to a decimal string, without floating point: "1234" cents -> "12.34". */
  function formatted(minor) {
    var text = String(Math.abs(minor)).padStart(digits + 1, "0");
    var whole = digits ? text.slice(0, -digits) + "." + text.slice(-digits) : text;
    return money.format((minor < 0 ? "-" : "") + whole);
  }

  function showMeter(meter) {
    room.querySelectorAll("[data-meter]").forEach(function (field) {
      var name = field.getAttribute("data-meter");
      if (name === "billed_minutes") {
        field.textContent = String(meter.billed_minutes);
      } else if (name === "billed_minor" || (name === "balance_minor" && meter.balance_minor !== null)) {
        field.textContent = formatted(meter[name]);
      }
    });
    part("warning").hidden = !meter.low_balance;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    }
  }

  function signal(kind, data) {
    send({type: "signal", kind: kind, data: data});
  }

  function hangUp() {
    if (peer) {
      peer.close();
      peer = null;
    }
  }

  function end() {
    over = true;
    part("ended").hidden = false;
    part("warning").hidden = true;
    var button = part("end");
    if (button) {
      button.hidden = true;
    }
    hangUp();
    if (localStream) {
      localStream.getTracks().forEach(function (track) { track.stop(); });
    }
  }

  function media() {
    if (localStream) {
      return Promise.resolve(localStream);
    }
    return navigator.mediaDevices.getUserMedia({audio: true, video: channel === "video"})
      .then(function (stream) {
        localStream = stream;
        part("local").srcObject = stream;
        return stream;
      });
  }

  function connection() {
    hangUp();
    peer = new RTCPeerConnection({iceServers: iceServers});
    peer.onicecandidate = function (event) {
      if (event.candidate) {
        signal("candidate", event.candidate.toJSON());
      }
    };
    peer.ontrack = function (event) {
      part("remote").srcObject = event.streams[0];
    };
    return media().then(function (stream) {
      stream.getTracks().forEach(function (track) { peer.addTrack(track, stream); });
      return peer;
    });
  }

  function call() {
    pending = [];
    connection()
      .then(function (made) { return made.createOffer(); })
      .then(function (offer) { return peer.setLocalDescription(offer); })
      .then(function () { signal("offer", peer.localDescription.toJSON()); })
      .catch(hangUp);
  }

  /* Candidates may come before the description they belong to is set: kept until it is. */
  function remoteDescribed(description) {
    return peer.setRemoteDescription(description).then(function () {
      var waiting = pending;
      pending = [];
      waiting.forEach(function (candidate) { peer.addIceCandidate(candidate); });
    });
  }

  function onSignal(frame) {
    if (frame.kind === "offer") {
      pending = [];
      connection()
        .then(function () { return remoteDescribed(frame.data); })
        .then(function () { return peer.createAnswer(); })
        .then(function (answer) { return peer.setLocalDescription(answer); })
        .then(function () { signal("answer", peer.localDescription.toJSON()); })
        .catch(hangUp);
    } else if (frame.kind === "answer" && peer) {
      remoteDescribed(frame.data).catch(hangUp);
    } else if (frame.kind === "candidate") {
      if (peer && peer.remoteDescription) {
        peer.addIceCandidate(frame.data);
      } else {
        pending.push(frame.data);
      }
    }
  }

  var handlers = {
    "ready": function (frame) { iceServers = frame.ice_servers; },
    "meter": function (frame) { showMeter(frame.data); },
    "meter.warning": function (frame) { showMeter(frame.data); },
    "session.ended": function (frame) { showMeter(frame.data); end(); },
    "peer.joined": function () {
      if (role === "customer" && channel !== "chat" && !over) {
        call();
      }
    },
    "peer.left": hangUp,
    "signal": function (frame) {
      if (channel !== "chat" && !over) {
        onSignal(frame);
      }
    }
  };

  function open() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + room.getAttribute("data-socket-path"));
    socket.onopen = function () {
      retry = 1000;
      part("offline").hidden = true;
    };
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      var handler = handlers[frame.type];
      if (handler) {
        handler(frame);
      }
    };
    socket.onclose = function (event) {
      /* A drop is resumed within the grace period; a refusal (44xx) or the end is final. */
      if (over || event.code >= 4000) {
        return;
      }
      part("offline").hidden = false;
      window.setTimeout(open, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }

  var button = part("end");
  if (button) {
    button.addEventListener("click", function () { send({type: "session.end"}); });
  }
  if (!over) {
    open();
  }
})();
