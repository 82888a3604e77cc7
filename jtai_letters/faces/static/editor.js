// The editor: a form made from the spec's JSON Schema, beside the live letter.
// Every field of the schema gets a control here without new code: objects become groups,
// arrays lists with add, remove and move, enumerations selects, dates date inputs, Markdown
// text areas. Each change is sent to the server as a change set (path -> value, list ops);
// the server applies it to the YAML in memory, checks and renders it, and answers with the
// problems; the letter's frame is reloaded when a new letter was made.
"use strict";
(function () {
  const token = document.querySelector('meta[name="editor-token"]').content;
  const form = document.getElementById("form");
  const frame = document.getElementById("letter");
  const statusLine = document.getElementById("status");
  const problemList = document.getElementById("problem-list");
  const problemsHeading = document.getElementById("problems-heading");
  const conflict = document.getElementById("conflict");
  const conflictText = document.getElementById("conflict-text");
  const undoButton = document.getElementById("undo");
  const staleNote = document.getElementById("stale-note");
  const DEBOUNCE_MS = 60; // a pause in typing; while a change is in flight, what follows waits for it
  const MARKDOWN_HELP =
    "Write as in an e-mail: a blank line starts a new paragraph; a line starting with “- ” is a list item; " +
    "**bold**; [the words of a link](https://www.example.gov.uk/page).";
  const LANGUAGE_NAMES = { en: "English", cy: "Welsh (Cymraeg)" };
  const ANSWERED = ["recommendations", "areas_for_improvement", "causes_of_concern"];

  let schema = null;
  let data = {};
  let state = { version: 0, page: 0, problems: [], profile: {}, languages: ["en"] };
  const pending = new Map(); // path -> change waiting for its debounce
  let timer = null;
  let queue = Promise.resolve();
  let inFlight = false;
  let lastDirty = null;

  // -- talking to the server ---------------------------------------------------------------

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Editor-Token": token },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  // One change set in flight at a time: what is typed meanwhile waits, and goes in the next one.
  function send(changes, structural) {
    inFlight = true;
    queue = queue.then(function () {
      return post("/api/change", { changes: changes }).then(function (answer) {
        const refused = answer.json.refused;
        receive(answer.json, structural || Boolean(refused));
        if (refused) {
          say("Not changed: " + refused.message);
          showRefusal(refused);
        }
      });
    }).catch(function (error) {
      say("The editor's server did not answer (" + error + "): is it still running?");
    }).then(function () {
      inFlight = false;
      if (pending.size && timer === null) flush();
    });
    return queue;
  }

  function flush() {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (pending.size === 0 || inFlight) return queue;
    const changes = Array.from(pending.values());
    pending.clear();
    return send(changes, false);
  }

  // Everything typed so far applied on the server (before a save, an undo or a change of structure).
  function settle() {
    return flush().then(function () { return pending.size || inFlight ? settle() : undefined; });
  }

  function schedule(change) {
    pending.set(change.path, change);
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(function () { timer = null; flush(); }, DEBOUNCE_MS);
  }

  function receive(next, redraw) {
    state = next;
    if (redraw || !schema) { data = next.data; drawForm(); }
    drawProblems();
    undoButton.disabled = !next.undo;
    staleNote.hidden = !next.stale;
    frame.classList.toggle("stale", Boolean(next.stale));
    // A frame still loading is compared when it has loaded (its page says which letter it holds).
    if (!frameLoading && String(next.page) !== frame.dataset.page) {
      if (next.letter && frameReady && next.page === next.version) swapLetter(next.letter, next.page);
      else reloadLetter(next.page);
    }
    if (next.disk_changed) {
      conflictText.textContent =
        "The file changed on disk since it was opened here (another editor, or git?). " +
        "Saving is refused until you reload it.";
      conflict.hidden = false;
    } else if (!next.conflict) {
      conflict.hidden = true;
    }
    // Said when it changes: news from the server (its own save seen on disk) does not talk over "Saved."
    if (!next.saved && !next.refused && next.dirty !== lastDirty) say(next.dirty ? "Unsaved changes." : "No unsaved changes.");
    lastDirty = next.dirty;
  }

  function say(text) { statusLine.textContent = text; }

  // -- the schema ----------------------------------------------------------------------------

  function resolve(node) {
    let seen = 0;
    while (node && node.$ref && seen++ < 20) node = schema.$defs[node.$ref.split("/").pop()];
    return node || {};
  }

  function branches(node) {
    node = resolve(node);
    if (node.anyOf) return node.anyOf.flatMap(branches);
    return [node];
  }

  function isBilingual(node) {
    return node.type === "object" && node.properties && node.properties.en && node.properties.cy && !node.maxProperties;
  }

  // What control a schema node needs, given the value it holds now.
  function describe(node, value) {
    const all = branches(node);
    const some = all.filter(function (b) { return b.type !== "null"; });
    const nullable = some.length < all.length;
    const both = some.find(isBilingual);
    if (both) {
      const one = some.filter(function (b) { return b !== both; });
      const asked = state.languages.length > 1;
      if ((value && typeof value === "object" && !Array.isArray(value)) || (asked && value === undefined)) {
        return { kind: "bilingual", one: one, nullable: nullable };
      }
      return describe({ anyOf: one }, value);
    }
    const types = some.map(function (b) { return b.type; });
    if (types.includes("array") && types.includes("string")) {
      return { kind: Array.isArray(value) ? "paragraphs" : "markdown", nullable: nullable, node: some[0] };
    }
    const first = some[0] || {};
    // The canonical words beside a pattern of other spellings (a status): a select of the words.
    const listed = some.find(function (b) { return Array.isArray(b.enum); });
    if (listed && some.every(function (b) { return b.type === "string"; })) {
      return { kind: "select", options: listed.enum, nullable: nullable };
    }
    if (some.every(function (b) { return b.type === "string"; }) && some.length > 1) {
      const date = some.some(function (b) { return b.format === "date"; });
      return { kind: date ? "when" : "text", nullable: nullable, node: first, date: date };
    }
    if (first.const !== undefined) return { kind: "const" };
    if (first.enum) return { kind: "select", options: first.enum, nullable: nullable };
    if (first.type === "string" && first.format === "date") return { kind: "date", nullable: nullable };
    if (first.type === "string" && first.contentMediaType === "text/markdown") return { kind: "markdown", nullable: nullable };
    if (first.type === "string") return { kind: "text", nullable: nullable, node: first };
    if (first.type === "boolean") return { kind: "bool", nullable: nullable };
    if (first.type === "integer" || first.type === "number") return { kind: "number", nullable: nullable };
    if (first.type === "array") return { kind: "array", items: first.items, nullable: nullable };
    if (first.type === "object" && first.maxProperties === 1) return { kind: "choice", node: first, nullable: nullable };
    if (first.type === "object" && first.properties) return { kind: "object", node: first, nullable: nullable };
    return { kind: "text", nullable: nullable, node: first };
  }

  function stub(node) {
    const d = describe(node, undefined);
    if (d.kind === "object") {
      const out = {};
      (d.node.required || []).forEach(function (key) { out[key] = stub(d.node.properties[key]); });
      return out;
    }
    if (d.kind === "choice") return { text: "" };
    if (d.kind === "array" || d.kind === "paragraphs") return [];
    if (d.kind === "bool") return false;
    return "";
  }

  // -- paths -------------------------------------------------------------------------------

  function join(path, key) {
    if (typeof key === "number") return path + "[" + key + "]";
    return path ? path + "." + key : key;
  }

  function parent(path) {
    const m = path.match(/^(.*)(\[\d+\]|\.[^.[\]]+)$/);
    return m ? m[1] : "";
  }

  function steps(path) {
    const out = [];
    path.replace(/\[(\d+)\]|\.?([^.[\]]+)/g, function (_, index, key) {
      out.push(index !== undefined ? Number(index) : key);
      return "";
    });
    return out;
  }

  function getIn(path) {
    let node = data;
    for (const step of steps(path)) {
      if (node === null || node === undefined) return undefined;
      node = node[step];
    }
    return node;
  }

  function setIn(path, value) {
    const all = steps(path);
    let node = data;
    all.slice(0, -1).forEach(function (step, i) {
      if (node[step] === null || node[step] === undefined || typeof node[step] !== "object") {
        node[step] = typeof all[i + 1] === "number" ? [] : {};
      }
      node = node[step];
    });
    const last = all[all.length - 1];
    if (value === undefined) {
      if (Array.isArray(node)) node.splice(last, 1); else delete node[last];
    } else {
      node[last] = value;
    }
  }

  // The key a new key goes after: the nearest one before it, in the schema's order, that the file has.
  function afterOf(path, properties) {
    const key = steps(path).pop();
    const holder = getIn(parent(path));
    if (!properties || !holder || typeof holder !== "object" || key in holder) return null;
    const order = Object.keys(properties);
    for (let i = order.indexOf(key) - 1; i >= 0; i--) if (order[i] in holder) return order[i];
    return null;
  }

  // -- drawing the form --------------------------------------------------------------------

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function (entry) {
      if (entry[1] === null || entry[1] === undefined || entry[1] === false) return;
      if (entry[0] === "text") node.textContent = entry[1];
      else node.setAttribute(entry[0], entry[1] === true ? "" : entry[1]);
    });
    (children || []).forEach(function (child) { if (child) node.append(child); });
    return node;
  }

  function words(key) {
    const text = String(key).replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function fieldId(path) { return "f-" + path; }

  function drawForm() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
    const openSections = new Set(Array.from(form.querySelectorAll("details[open]")).map(function (d) { return d.dataset.path; }));
    const firstDraw = form.childElementCount === 0;
    form.replaceChildren();
    const root = resolve(schema);
    Object.entries(root.properties).forEach(function (entry) {
      const key = entry[0];
      const node = entry[1];
      const d = describe(node, data[key]);
      if (d.kind === "const") return;
      if (d.kind !== "object") {
        form.append(control(node, data[key], key, words(key), (root.required || []).includes(key), root.properties));
        return;
      }
      // At first the response is open, and any section with an error; the officer opens the others.
      const erring = (state.problems || []).some(function (p) { return p.severity === "error" && p.path.split(/[.[]/)[0] === key; });
      const open = firstDraw ? key === "response" || erring : openSections.has(key);
      const details = el("details", { "data-path": key, class: "section", open: open }, [
        el("summary", {}, [el("span", { class: "section-title", text: words(key) })]),
        el("p", { class: "help", text: resolve(node).description || node.description || "" }),
      ]);
      fields(d.node, data[key] || {}, key, details);
      form.append(details);
    });
    if (focused) {
      const again = form.querySelector('[data-path="' + CSS.escape(focused) + '"]');
      if (again && again.focus) again.focus();
    }
  }

  function fields(node, value, path, container) {
    const required = node.required || [];
    Object.entries(node.properties).forEach(function (entry) {
      container.append(control(entry[1], value ? value[entry[0]] : undefined, join(path, entry[0]), words(entry[0]), required.includes(entry[0]), node.properties));
    });
  }

  function helpFor(node, id, markdown) {
    const about = node.description || resolve(node).description || "";
    const parts = [];
    if (about) parts.push(el("p", { class: "help", id: id, text: about }));
    if (markdown) {
      parts.push(el("details", { class: "how" }, [el("summary", { text: "How to write this" }), el("p", { text: MARKDOWN_HELP })]));
    }
    return parts;
  }

  function control(node, value, path, label, required, siblings) {
    const d = describe(node, value);
    if (d.kind === "object") return group(node, d, value, path, label, required);
    if (d.kind === "array") return list(node, d.items, value, path, label, false);
    if (d.kind === "paragraphs") return list(node, d.node.items || d.node, value, path, label, true);
    if (d.kind === "choice") return choice(d.node, value, path, label);
    if (d.kind === "bilingual") return bilingual(node, d, value, path, label, required, siblings);
    return leaf(node, d, value, path, label, required, siblings, null);
  }

  // An office field the spec leaves to its profile: the profile's value, and how to override it.
  function profileValue(path, value) {
    const office = /^office\.[^.[\]]+$/.test(path) ? path.slice(7) : null;
    return office && value === undefined && state.profile[office] !== undefined ? state.profile[office] : undefined;
  }

  function shownValue(given) {
    if (Array.isArray(given)) return given.map(shownValue).join(" / ");
    if (given && typeof given === "object") return Object.values(given).map(shownValue).join(", ");
    return String(given);
  }

  function profileNote(given) {
    return el("p", { class: "profile-note", text: "From the office profile: " + shownValue(given) + ". Set here to override." });
  }

  function group(node, d, value, path, label, required) {
    const box = el("fieldset", { class: "group", "data-path": path }, [el("legend", { text: label })]);
    if (value === undefined || value === null) {
      const add = el("button", { type: "button", class: "add", text: "Add " + label.toLowerCase() });
      add.addEventListener("click", function () { structural([{ op: "set", path: path, value: stub(node) }], path); });
      box.append(...helpFor(node, "h-" + path, false));
      const given = profileValue(path, value);
      if (given !== undefined) box.append(profileNote(given));
      box.append(add);
      if ((state.images || []).includes(path + ".path")) box.append(imageUpload(path + ".path"));
      return box;
    }
    fields(d.node, value, path, box);
    if (!required) box.append(removeButton(path, label));
    return box;
  }

  function removeButton(path, label) {
    const button = el("button", { type: "button", class: "remove", text: "Remove " + label.toLowerCase() });
    button.addEventListener("click", function () { structural([{ op: "delete", path: path }], parent(path)); });
    return button;
  }

  function itemLabel(label, value, i) {
    if (value && typeof value === "object") {
      if (typeof value.id === "string" && value.id) return label + " " + value.id;
      if (Array.isArray(value.ids) && value.ids.length) return label + " " + value.ids.join(", ");
    }
    return label + " " + (i + 1);
  }

  function singular(label) {
    if (/ss$/.test(label)) return label + " line"; // an address: its lines
    if (/ies$/.test(label)) return label.replace(/ies$/, "y");
    if (/ses$/.test(label)) return label.replace(/es$/, "");
    return label.replace(/s$/, "").replace(/s( for| of)/, "$1");
  }

  function list(node, items, value, path, label, paragraphs) {
    const box = el("fieldset", { class: "list", "data-path": path }, [el("legend", { text: label })]);
    box.append(...helpFor(node, "h-" + path, paragraphs));
    const given = profileValue(path, value);
    if (given !== undefined) box.append(profileNote(given));
    const values = Array.isArray(value) ? value : [];
    const ol = el("ol", { class: "items" });
    const one = singular(label);
    values.forEach(function (item, i) {
      const where = join(path, i);
      const name = itemLabel(one, item, i);
      const li = el("li", { class: "item", "data-path": where });
      const inner = control(items, item, where, name, true, null);
      const tools = el("div", { class: "item-tools" });
      [["Move up", -1, i === 0], ["Move down", 1, i === values.length - 1]].forEach(function (spec) {
        const b = el("button", { type: "button", text: spec[0], "aria-label": spec[0] + ": " + name, disabled: spec[2] });
        b.addEventListener("click", function () { structural([{ op: "move", path: where, by: spec[1] }], join(path, i + spec[1])); });
        tools.append(b);
      });
      const remove = el("button", { type: "button", text: "Remove", "aria-label": "Remove " + name });
      remove.addEventListener("click", function () { structural([{ op: "delete", path: where }], path); });
      tools.append(remove);
      li.append(inner, tools);
      ol.append(li);
    });
    box.append(ol);
    const add = el("button", { type: "button", class: "add", text: "Add " + one.toLowerCase() });
    add.addEventListener("click", function () {
      structural([{ op: "append", path: path, value: stub(items) }], join(path, values.length));
    });
    box.append(add);
    return box;
  }

  function choice(node, value, path, label) {
    const keys = Object.keys(node.properties);
    const kind = value && typeof value === "object" ? Object.keys(value)[0] : undefined;
    const box = el("fieldset", { class: "group choice", "data-path": path }, [el("legend", { text: label })]);
    const id = fieldId(path + "#kind");
    const select = el("select", { id: id, "data-path": path + "#kind" });
    keys.forEach(function (key) { select.append(el("option", { value: key, text: words(key), selected: key === kind })); });
    select.addEventListener("change", function () {
      structural([{ op: "set", path: path, value: { [select.value]: stub(node.properties[select.value]) } }], join(path, select.value));
    });
    box.append(el("div", { class: "field" }, [el("label", { for: id, text: "Kind of block" }), select]));
    if (kind) box.append(control(node.properties[kind], value[kind], join(path, kind), words(kind), true, node.properties));
    return box;
  }

  function bilingual(node, d, value, path, label, required, siblings) {
    const box = el("fieldset", { class: "bilingual", "data-path": path }, [el("legend", { text: label })]);
    const row = el("div", { class: "languages" });
    const inner = describe({ anyOf: d.one }, undefined);
    state.languages.forEach(function (tag) {
      const v = value && typeof value === "object" ? value[tag] : undefined;
      row.append(leaf(node, inner, v, join(path, tag), LANGUAGE_NAMES[tag] || tag, required, null, tag));
    });
    box.append(row);
    return box;
  }

  function leaf(node, d, value, path, label, required, siblings, lang) {
    const id = fieldId(path);
    const helpId = "h-" + path;
    const wrap = el("div", { class: "field", "data-path": path });
    const fromProfile = profileValue(path, value);
    const name = el("label", { for: id, text: label + (required ? " (required)" : "") });
    let input;
    const shown = value === undefined || value === null ? "" : String(value);
    if (d.kind === "markdown") {
      const lines = shown.split("\n").length + Math.floor(shown.length / 70);
      input = el("textarea", { rows: String(Math.min(14, Math.max(3, lines + 1))) });
      input.value = shown;
    } else if (d.kind === "select") {
      input = el("select", {});
      input.append(el("option", { value: "", text: required ? "Choose…" : "(not set)" }));
      d.options.forEach(function (option) { input.append(el("option", { value: option, text: String(option), selected: String(option) === shown })); });
      // A value the file spells its own way ("In Progress") stays as written until another is chosen.
      if (shown && !d.options.map(String).includes(shown)) {
        input.append(el("option", { value: shown, text: shown + " (as written in the file)", selected: true }));
      }
    } else if (d.kind === "bool") {
      const fallback = resolve(node).default !== undefined ? resolve(node).default : node.default;
      input = el("input", { type: "checkbox", checked: value === undefined ? Boolean(fallback) : Boolean(value) });
    } else if (d.kind === "date") {
      input = el("input", { type: "date", value: shown });
    } else if (d.kind === "number") {
      input = el("input", { type: "number", value: shown, inputmode: "numeric" });
    } else {
      input = el("input", { type: "text", value: shown });
      if (d.kind === "when") input.setAttribute("placeholder", "2026-03-31, 2026-03 or 2026-27 Q1");
    }
    input.id = id;
    input.dataset.path = path;
    if (lang) input.setAttribute("lang", lang);
    if (fromProfile !== undefined) {
      input.setAttribute("placeholder", typeof fromProfile === "object" ? JSON.stringify(fromProfile) : String(fromProfile));
      input.classList.add("from-profile");
    }
    const help = helpFor(node, helpId, d.kind === "markdown");
    if (help.length && help[0].id === helpId) input.setAttribute("aria-describedby", helpId);
    const events = d.kind === "select" || d.kind === "bool" || d.kind === "date" ? "change" : "input";
    input.addEventListener(events, function () {
      let next;
      if (d.kind === "bool") next = input.checked;
      else if (d.kind === "number") next = input.value === "" ? undefined : Number(input.value);
      else next = input.value;
      if (next === "" && (!required || d.kind === "select" || d.kind === "date")) next = undefined;
      const change = next === undefined ? { op: "delete", path: path } : { op: "set", path: path, value: next };
      if (next !== undefined) {
        const after = afterOf(path, siblings);
        if (after) change.after = after;
        if (d.kind === "date" || d.kind === "when") change.date = true;
      }
      setIn(path, next);
      schedule(change);
    });
    wrap.append(name, input, ...help);
    if ((state.images || []).includes(path)) wrap.append(imageUpload(path));
    if (fromProfile !== undefined) {
      wrap.append(el("p", { class: "profile-note", text: "From the office profile (shown greyed); set here to override." }));
    }
    return wrap;
  }

  // -- images: a file of the officer's, checked as validate checks images, into the spec's folder ----

  function imageUpload(path) {
    const id = "u-" + path;
    const input = el("input", { type: "file", id: id, accept: "image/png,image/jpeg", "data-upload": path });
    input.addEventListener("change", function () {
      const file = input.files && input.files[0];
      if (file) sendImage(path, file, false);
    });
    return el("div", { class: "upload" }, [
      el("label", { for: id, text: "Add an image file (PNG or JPEG) to the spec's folder" }), input,
    ]);
  }

  function sendImage(path, file, replace) {
    say("Adding " + file.name + "…");
    return settle().then(function () {
      const query = "field=" + encodeURIComponent(path) + "&name=" + encodeURIComponent(file.name) + (replace ? "&replace=1" : "");
      return fetch("/api/image?" + query, {
        method: "POST",
        headers: { "Content-Type": "application/octet-stream", "X-Editor-Token": token },
        body: file,
      }).then(function (response) { return response.json(); });
    }).then(function (body) {
      receive(body, true);
      if (body.image) {
        say("Added " + body.image.name + " to the spec's folder.");
        focusField(path, false);
        return;
      }
      const refused = body.refused || { path: path, message: body.error || "refused" };
      say("Image not added: " + refused.message);
      showRefusal(refused);
      const holder = holderOf(refused.path || path);
      if (refused.exists && holder) {
        const again = el("button", { type: "button", class: "replace", text: "Replace the file in the spec's folder with " + file.name });
        again.addEventListener("click", function () { sendImage(path, file, true); });
        holder.append(again);
      }
    }).catch(function (error) {
      say("The editor's server did not answer (" + error + "): is it still running?");
    });
  }

  function structural(changes, focusPath) {
    settle().then(function () {
      return send(changes, true);
    }).then(function () { if (focusPath) focusField(focusPath, false); });
  }

  // -- problems beside their fields --------------------------------------------------------

  function holderOf(path) {
    let p = path;
    while (p) {
      const found = form.querySelector('[data-path="' + CSS.escape(p) + '"]');
      if (found) return found.closest(".field, fieldset, li, details") || found;
      p = parent(p);
    }
    return null;
  }

  function drawProblems() {
    form.querySelectorAll(".field-problems").forEach(function (n) { n.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (n) {
      n.removeAttribute("aria-invalid");
      const described = (n.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && !x.startsWith("p-"); });
      if (described.length) n.setAttribute("aria-describedby", described.join(" ")); else n.removeAttribute("aria-describedby");
    });
    problemList.replaceChildren();
    const problems = state.problems || [];
    const errors = problems.filter(function (p) { return p.severity === "error"; }).length;
    const warnings = problems.length - errors;
    const counts = [];
    if (errors) counts.push(errors + (errors === 1 ? " error" : " errors"));
    if (warnings) counts.push(warnings + (warnings === 1 ? " warning" : " warnings"));
    problemsHeading.textContent = counts.length ? counts.join(" and ") : "No problems found";
    const lists = new Map();
    problems.forEach(function (p, n) {
      const text = (p.path ? p.path + ": " : "") + p.message + (p.where && !p.path ? " (" + p.where + ")" : "");
      const item = el("li", { class: p.severity });
      if (p.path) {
        const go = el("button", { type: "button", class: "link", text: text });
        go.addEventListener("click", function () { focusField(p.path, true); });
        item.append(go);
      } else {
        item.textContent = p.where ? p.where : text;
      }
      problemList.append(item);
      const holder = p.path ? holderOf(p.path) : null;
      if (!holder) return;
      let ul = lists.get(holder);
      if (!ul) {
        ul = el("ul", { class: "field-problems", id: "p-" + n });
        lists.set(holder, ul);
        const legend = holder.querySelector(":scope > legend, :scope > summary");
        if (holder.classList.contains("field")) holder.append(ul); else if (legend) legend.after(ul); else holder.prepend(ul);
        const input = holder.classList.contains("field") ? holder.querySelector("input, textarea, select") : null;
        if (input) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + ul.id).trim());
        }
      }
      ul.append(el("li", { class: p.severity, text: p.message }));
    });
  }

  function showRefusal(refused) {
    const holder = refused.path ? holderOf(refused.path) : null;
    if (!holder) return;
    const ul = el("ul", { class: "field-problems" }, [el("li", { class: "error", text: refused.message })]);
    holder.append(ul);
  }

  function focusField(path, scroll) {
    let target = form.querySelector('[data-path="' + CSS.escape(path) + '"]');
    if (!target) {
      target = Array.from(form.querySelectorAll("[data-path]")).find(function (n) { return n.dataset.path.startsWith(path + "."); });
    }
    let p = path;
    while (!target && p) { p = parent(p); target = p ? form.querySelector('[data-path="' + CSS.escape(p) + '"]') : null; }
    if (!target) return;
    for (let d = target.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    const input = target.matches("input, textarea, select, button") ? target : target.querySelector("input, textarea, select, button");
    if (input) {
      input.focus({ preventScroll: true });
      input.scrollIntoView({ block: "center" });
    } else if (scroll !== false) {
      target.scrollIntoView({ block: "center" });
    }
  }

  // -- the letter --------------------------------------------------------------------------

  let frameReady = false; // the frame holds a letter's page, loaded: a new one can be put into it
  let frameLoading = true; // the frame's page is on its way (the first from the page's own markup)

  // The new letter put into the frame's page as it stands (its policy, its listeners and its scroll
  // kept): no navigation, no second request. The letter's page runs nothing, and neither does this.
  function swapLetter(html, page) {
    const doc = frame.contentDocument;
    const fresh = new DOMParser().parseFromString(html, "text/html");
    if (!doc || !doc.body || !fresh.body) { reloadLetter(page); return; }
    const y = frame.contentWindow.scrollY;
    frame.dataset.page = page;
    Array.from(fresh.documentElement.attributes).forEach(function (a) { doc.documentElement.setAttribute(a.name, a.value); });
    doc.head.replaceChildren(...Array.from(fresh.head.childNodes, function (n) { return doc.importNode(n, true); }));
    markBlocks(doc);
    doc.body.replaceWith(doc.importNode(fresh.body, true));
    frame.contentWindow.scrollTo(0, y);
  }

  function markBlocks(doc) {
    const mark = doc.createElement("style"); // the letter's own policy allows inline style, and nothing runs in it
    mark.textContent = "[data-spec-path]{cursor:pointer}[data-spec-path]:hover{outline:2px solid #0b3d91;outline-offset:2px}";
    doc.head.append(mark);
  }

  function reloadLetter(page) {
    const y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
    frameReady = false;
    frameLoading = true;
    frame.dataset.page = page;
    frame.addEventListener("load", function () { frame.contentWindow.scrollTo(0, y); }, { once: true });
    frame.src = "/letter?v=" + page;
  }

  function frameLoaded() {
    frameLoading = false;
    const doc = frame.contentDocument;
    if (!doc) return;
    // The letter and the state are asked for apart (both at once, at the start): the page
    // says which render it is, and a newer one the state knows of is fetched.
    const shown = doc.documentElement.getAttribute("data-page");
    if (shown !== null) frame.dataset.page = shown;
    markBlocks(doc);
    frameReady = frame.dataset.page !== "0";
    if (state.version && String(state.page) !== frame.dataset.page) { reloadLetter(state.page); return; }
    doc.addEventListener("click", function (event) {
      const link = event.target.closest("a");
      if (link) event.preventDefault(); // the letter's links are for its readers, not for the editor's frame
      const block = event.target.closest("[data-spec-path]");
      if (block) { event.preventDefault(); focusField(block.dataset.specPath, true); }
    });
  }

  frame.addEventListener("load", frameLoaded);
  // The first letter may have loaded before this script ran (it is deferred): then its load is past.
  const early = frame.contentDocument;
  if (early && early.readyState === "complete" && early.URL.indexOf("/letter") !== -1) frameLoaded();

  // -- the toolbar -------------------------------------------------------------------------

  function save() {
    say("Saving…");
    return settle().then(function () { return post("/api/save"); }).then(function (answer) {
      const body = answer.json;
      receive(body, false);
      if (body.conflict) {
        conflictText.textContent = "Not saved: the file " + body.conflict + ".";
        conflict.hidden = false;
        say("Not saved: the file changed on disk.");
        document.getElementById("reload").focus();
      } else if (body.failed) {
        say("Not saved: " + body.failed);
      } else if (body.saved) {
        const n = body.saved.errors;
        say(n ? "Saved as a draft: the spec has " + n + (n === 1 ? " error" : " errors") + "; correct them before rendering the letter." : "Saved.");
      }
    });
  }

  document.getElementById("save").addEventListener("click", save);
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") { event.preventDefault(); save(); }
  });
  undoButton.addEventListener("click", function () {
    settle().then(function () { return post("/api/undo"); }).then(function (answer) { receive(answer.json, true); say("Undone."); });
  });
  document.getElementById("reload").addEventListener("click", function () {
    post("/api/reload").then(function (answer) { receive(answer.json, true); conflict.hidden = true; say("Reloaded from disk."); });
  });
  document.getElementById("answer-all").addEventListener("click", function () {
    const changes = [];
    let first = null; // the first new answer's words: where the officer writes next
    ANSWERED.forEach(function (key) {
      const items = (data.report && data.report[key]) || [];
      const given = (data.response && data.response[key]) || [];
      const answered = new Set();
      given.forEach(function (a) { if (a && a.id) answered.add(a.id); ((a && a.ids) || []).forEach(function (id) { answered.add(id); }); });
      let next = given.length;
      items.forEach(function (item) {
        if (!item || !item.id || answered.has(item.id)) return;
        if (!first) first = "response." + key + "[" + next + "].response";
        next += 1;
        changes.push({ op: "append", path: "response." + key, value: { id: item.id, response: "" } });
      });
    });
    if (!changes.length) { say("Every recommendation, area for improvement and cause of concern has an answer."); return; }
    structural(changes, first);
    say("Added " + changes.length + (changes.length === 1 ? " answer" : " answers") + " to write.");
  });
  document.getElementById("add-block").addEventListener("click", function () {
    const body = (data.response && data.response.body) || [];
    structural([{ op: "append", path: "response.body", value: { text: "" } }], "response.body[" + body.length + "].text");
  });
  window.addEventListener("beforeunload", function (event) {
    if (state.dirty || pending.size) { event.preventDefault(); event.returnValue = ""; }
  });

  // -- start: the spec and its schema, then the server's news (a save on disk, a profile changed) --

  fetch("/api/spec").then(function (r) { return r.json(); }).then(function (first) {
    schema = first.schema;
    receive(first, true);
    document.body.dataset.ready = "true";
  });
  const events = new EventSource("/events");
  events.onmessage = function (event) {
    const news = JSON.parse(event.data);
    if (!schema || news.version <= state.version) return;
    queue = queue.then(function () {
      return fetch("/api/spec?schema=0").then(function (r) { return r.json(); }).then(function (next) {
        if (next.version > state.version) receive(next, false);
      });
    });
  };
})();
