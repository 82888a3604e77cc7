// Live preview: the server says when the letter changed (server-sent events); the page
// shows the new problems and reloads the letter's frame, keeping its scroll position.
"use strict";
(function () {
  const problems = document.getElementById("problems");
  const frame = document.getElementById("letter");
  const events = new EventSource("/events");
  events.onmessage = function (event) {
    const state = JSON.parse(event.data);
    if (Number(problems.dataset.version) >= state.version) return;
    problems.dataset.version = state.version;
    problems.innerHTML = state.problems; // escaped by the server
    frame.classList.toggle("stale", state.stale);
    if (String(state.page) !== frame.dataset.page) {
      const y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      frame.dataset.page = state.page;
      frame.addEventListener("load", function () { frame.contentWindow.scrollTo(0, y); }, { once: true });
      frame.src = "/letter?v=" + state.page;
    }
  };
})();
