// Entre pairs — the composer: what a member expects of a message box, on top of a plain form.
// A form opts in with data-composer="<draft name>" and the parts of templates/messaging/_composer.html.
// Drafts: kept in this browser, per thread (per club for a new thread, per post for an edit),
// until the message is sent.

const body = document.body;
const me = body.dataset.userId || "";
const announcer = document.getElementById("annonces");

function announce(text) {
  if (!announcer) return;
  // The same sentence twice in a row is read again only if the region changed in between.
  announcer.textContent = "";
  requestAnimationFrame(() => {
    announcer.textContent = text;
  });
}

// --- Drafts --------------------------------------------------------------------------------------
// localStorage: one entry per member and per message box, so that two accounts on a shared
// computer never see each other's drafts; a draft not touched for 30 days is dropped.
// A form posted over HTTP leaves a mark in sessionStorage (this tab only): the next page says
// whether it was published (a success message) — then the draft goes — or not, and it stays.

const PREFIX = `entrepairs:brouillon:${me}:`;
const SENT = "entrepairs:brouillon-envoye";
const DRAFT_DAYS = 30;
const SAVE_DELAY = 400;

function readDraft(key) {
  try {
    const draft = JSON.parse(localStorage.getItem(PREFIX + key) || "null");
    return draft && typeof draft.text === "string" ? draft : null;
  } catch {
    return null;
  }
}

function writeDraft(key, draft) {
  try {
    if (draft) localStorage.setItem(PREFIX + key, JSON.stringify({ ...draft, at: Date.now() }));
    else localStorage.removeItem(PREFIX + key);
  } catch {
    // Storage full or refused (private browsing): the message box works without drafts.
  }
}

function dropOldDrafts() {
  try {
    const limit = Date.now() - DRAFT_DAYS * 24 * 3600 * 1000;
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const name = localStorage.key(i);
      if (!name?.startsWith("entrepairs:brouillon:")) continue;
      const draft = JSON.parse(localStorage.getItem(name) || "null");
      if (!draft || !(draft.at > limit)) localStorage.removeItem(name);
    }
  } catch {
    // nothing to tidy
  }
}

// The form posted over HTTP from this tab just before this page: was it published?
function settleLastSending() {
  let sent = null;
  try {
    sent = JSON.parse(sessionStorage.getItem(SENT) || "null");
    sessionStorage.removeItem(SENT);
  } catch {
    return;
  }
  if (!sent || Date.now() - sent.at > 15 * 60 * 1000) return;
  const published = document.querySelector(".messages .message--success");
  const draft = readDraft(sent.key);
  if (published && draft && draft.text === sent.text) writeDraft(sent.key, null);
}

class Draft {
  constructor(form) {
    this.form = form;
    this.key = form.dataset.composer;
    this.textarea = form.querySelector("textarea");
    this.title = form.querySelector('input[name="title"]');
    this.note = form.querySelector("[data-composer-draft-note]");
    this.timer = null;
    // What this tab last read from or wrote to the store: another tab's draft replaces the
    // text here only while this tab holds nothing of its own beyond it.
    this.stored = this.current();
    this.restore();
    this.textarea.addEventListener("input", () => this.later());
    this.title?.addEventListener("input", () => this.later());
    form.addEventListener("submit", (event) => this.sending(event));
    form.querySelector("[data-composer-discard]")?.addEventListener("click", () => this.discard());
    window.addEventListener("pagehide", () => this.saveNow());
    window.addEventListener("storage", (event) => this.changedElsewhere(event));
    this.watchSocketSending();
  }

  current() {
    return { text: this.textarea.value, title: this.title ? this.title.value : "" };
  }

  // The text the page came with (empty, a quoted post, the post being edited).
  isPristine(state) {
    const title = this.title ? this.title.defaultValue : "";
    return state.text === this.textarea.defaultValue && state.title === title;
  }

  restore() {
    const draft = readDraft(this.key);
    if (!draft) return;
    const state = { text: draft.text, title: draft.title || "" };
    if (!state.text.trim() && !state.title.trim()) return;
    const now = this.current();
    if (state.text === now.text && state.title === now.title) return; // the page shows it already
    this.show(state);
    this.stored = state;
    if (this.note) this.note.hidden = false;
  }

  show(state) {
    this.textarea.value = state.text;
    if (this.title && state.title !== undefined) this.title.value = state.title;
  }

  later() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.saveNow(), SAVE_DELAY);
  }

  saveNow() {
    clearTimeout(this.timer);
    this.timer = null;
    const state = this.current();
    const same = state.text === this.stored.text && state.title === this.stored.title;
    if (same) return;
    writeDraft(this.key, this.isPristine(state) || !`${state.text}${state.title}`.trim() ? null : state);
    this.stored = state;
  }

  discard() {
    writeDraft(this.key, null);
    this.show({ text: this.textarea.defaultValue, title: this.title ? this.title.defaultValue : "" });
    this.stored = this.current();
    if (this.note) this.note.hidden = true;
    this.textarea.focus();
    announce("Brouillon abandonné.");
  }

  sending(event) {
    this.saveNow();
    if (this.note) this.note.hidden = true;
    if (event.defaultPrevented) {
      // The page's live layer sends it over the websocket: see watchSocketSending.
      this.sentOverSocket = { clientId: this.clientId?.value, text: this.textarea.value };
      return;
    }
    try {
      sessionStorage.setItem(SENT, JSON.stringify({ key: this.key, text: this.textarea.value, at: Date.now() }));
    } catch {
      // without the mark, the draft stays: the member may discard it
    }
  }

  // A reply sent over the websocket is acknowledged by a new client id in the form (the live
  // layer empties the box and sets a new one, an attribute of the hidden input): then it is
  // published, and its draft goes.
  watchSocketSending() {
    this.clientId = this.form.querySelector('input[type="hidden"][name="client_id"]');
    if (!this.clientId) return;
    new MutationObserver(() => {
      const sent = this.sentOverSocket;
      if (!sent || this.clientId.value === sent.clientId) return;
      this.sentOverSocket = null;
      const draft = readDraft(this.key);
      if (draft && draft.text === sent.text) writeDraft(this.key, null);
      this.stored = this.current();
    }).observe(this.clientId, { attributes: true, attributeFilter: ["value"] });
  }

  // Another tab of this browser saved, sent or discarded the same draft.
  changedElsewhere(event) {
    if (event.key !== PREFIX + this.key) return;
    const mine = this.current();
    if (mine.text !== this.stored.text || mine.title !== this.stored.title) return; // edits of its own
    const draft = readDraft(this.key);
    const pristine = { text: this.textarea.defaultValue, title: this.title ? this.title.defaultValue : "" };
    const state = draft ? { text: draft.text, title: draft.title || "" } : pristine;
    this.show(state);
    this.stored = this.current();
    if (!draft && this.note) this.note.hidden = true;
  }
}

// --- Asking the server ---------------------------------------------------------------------------

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

// The JSON answer, or a French sentence saying why there is none.
async function ask(url, options = {}) {
  let response;
  try {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken };
    response = await fetch(url, { credentials: "same-origin", ...options, headers });
  } catch {
    return { error: "Le serveur ne répond pas : vérifiez votre connexion, puis réessayez." };
  }
  const json = (response.headers.get("content-type") || "").includes("application/json")
    ? await response.json().catch(() => null)
    : null;
  if (response.ok && json && !response.redirected) return { data: json };
  if (json?.error) return { error: json.error };
  if (response.redirected) return { error: "Votre session a pris fin : rechargez la page pour vous reconnecter." };
  if (response.status === 403) return { error: "Vous ne pouvez pas écrire ici." };
  if (response.status === 404) return { error: "Ce fil ou ce club ne vous est plus accessible." };
  return { error: "Le serveur n'a pas pu répondre. Réessayez dans un moment." };
}

// --- « Aperçu » ----------------------------------------------------------------------------------
// The server renders the Markdown with the site's own renderer and sanitiser, as it will be
// published; the button then reads « Modifier » and brings the message box back.

class Preview {
  constructor(form) {
    this.url = form.dataset.previewUrl;
    this.textarea = form.querySelector("textarea");
    this.button = form.querySelector("[data-composer-preview]");
    this.area = form.querySelector("[data-composer-preview-area]");
    this.showing = false;
    form.querySelector("[data-composer-tools]").hidden = false;
    this.button.addEventListener("click", () => (this.showing ? this.edit(true) : this.show()));
    form.addEventListener("submit", () => this.showing && this.edit(false), { capture: true });
  }

  say(text, isError) {
    const line = document.createElement("p");
    line.className = isError ? "errorlist" : "help";
    line.textContent = text;
    this.area.replaceChildren(line);
  }

  async show() {
    const source = this.textarea.value;
    if (!source.trim()) return this.say("Rien à prévisualiser : le message est vide.", false);
    if (this.area.getAttribute("aria-busy") === "true") return;
    this.area.setAttribute("aria-busy", "true");
    const body = new FormData();
    body.append("source", source);
    const { data, error } = await ask(this.url, { method: "POST", body });
    this.area.removeAttribute("aria-busy");
    if (error) return this.say(error, true);
    if (!data.html) return this.say(data.empty || "Rien à prévisualiser : le message est vide.", false);
    const label = document.createElement("p");
    label.className = "composer-preview__label";
    label.textContent = "Aperçu de votre message :";
    const rendered = document.createElement("div");
    rendered.className = "post__body";
    rendered.innerHTML = data.html; // rendered and sanitised by the server, as a post is
    this.area.replaceChildren(label, rendered);
    this.area.classList.add("composer-preview--shown");
    this.textarea.hidden = true;
    this.button.textContent = "Modifier";
    this.showing = true;
  }

  edit(focus) {
    this.area.replaceChildren();
    this.area.classList.remove("composer-preview--shown");
    this.textarea.hidden = false;
    this.button.textContent = "Aperçu";
    this.showing = false;
    if (focus) this.textarea.focus();
  }
}

// --- « @ » mentions ------------------------------------------------------------------------------
// Typing « @ » and a few letters lists the club's members whose handle or name matches (the
// server's JSON); the message box controls the list (aria-autocomplete="list",
// aria-activedescendant), ↑ and ↓ choose, Entrée or Tab insert « @handle », Échap closes.

// A mention starts a word, as messaging/markdown.py reads it (NOT_BEFORE_MENTION).
const TYPED_MENTION = /(?:^|[^A-Za-z0-9._@/-])@([\p{L}\p{N}-]{1,60})$/u;

class Mentions {
  constructor(form) {
    this.url = form.dataset.mentionsUrl;
    this.textarea = form.querySelector("textarea");
    this.list = form.querySelector("[data-composer-mentions]");
    this.found = new Map(); // what the server answered, by typed text
    this.asked = 0;
    this.members = [];
    this.active = -1;
    this.textarea.setAttribute("aria-autocomplete", "list");
    this.textarea.setAttribute("aria-controls", this.list.id);
    this.textarea.addEventListener("input", () => this.later());
    this.textarea.addEventListener("keydown", (event) => this.key(event));
    this.textarea.addEventListener("blur", () => this.close());
    this.textarea.addEventListener("click", () => this.close());
    // A click on a member must not take the focus from the message box before it is chosen.
    this.list.addEventListener("mousedown", (event) => event.preventDefault());
  }

  typed() {
    const caret = this.textarea.selectionStart;
    if (caret !== this.textarea.selectionEnd) return null;
    const match = this.textarea.value.slice(0, caret).match(TYPED_MENTION);
    return match ? { text: match[1], start: caret - match[1].length - 1, end: caret } : null;
  }

  later() {
    clearTimeout(this.timer);
    const typed = this.typed();
    if (!typed) return this.close();
    this.timer = setTimeout(() => this.lookUp(typed.text), 150);
  }

  async lookUp(text) {
    const number = ++this.asked;
    if (!this.found.has(text)) {
      const { data } = await ask(`${this.url}?q=${encodeURIComponent(text)}`);
      if (!data) return this.close(); // the box works without suggestions
      this.found.set(text, data.members || []);
    }
    if (number !== this.asked || this.typed()?.text !== text) return; // typed on since
    this.open(this.found.get(text));
  }

  open(members) {
    if (!members.length) return this.close();
    const wasOpen = !this.list.hidden;
    this.members = members;
    this.list.replaceChildren(
      ...members.map((member, index) => {
        const option = document.createElement("li");
        option.id = `${this.list.id}-${index}`;
        option.setAttribute("role", "option");
        const handle = document.createElement("span");
        handle.className = "composer-mentions__handle";
        handle.textContent = `@${member.handle}`;
        option.append(`${member.name || member.handle} `, handle);
        option.addEventListener("click", () => this.choose(index));
        return option;
      }),
    );
    this.list.hidden = false;
    this.select(0);
    if (!wasOpen) {
      const count = members.length > 1 ? `${members.length} membres proposés` : "Un membre proposé";
      announce(`${count}. Flèches haut et bas pour choisir, Entrée pour insérer, Échap pour fermer.`);
    }
  }

  select(index) {
    this.active = (index + this.members.length) % this.members.length;
    this.list.querySelectorAll('[role="option"]').forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === this.active));
    });
    this.textarea.setAttribute("aria-activedescendant", `${this.list.id}-${this.active}`);
    this.list.children[this.active]?.scrollIntoView({ block: "nearest" });
  }

  close() {
    clearTimeout(this.timer);
    this.asked += 1; // an answer on its way is no longer wanted
    this.list.hidden = true;
    this.list.replaceChildren();
    this.members = [];
    this.active = -1;
    this.textarea.removeAttribute("aria-activedescendant");
  }

  key(event) {
    if (this.list.hidden || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      event.preventDefault();
      this.select(this.active + moves[event.key]);
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    }
  }

  choose(index) {
    const member = this.members[index];
    const typed = this.typed();
    this.close();
    if (!member || !typed) return;
    const inserted = `@${member.handle} `;
    this.textarea.setRangeText(inserted, typed.start, typed.end, "end");
    this.textarea.dispatchEvent(new Event("input", { bubbles: true })); // the draft keeps it
    announce(`${member.name || member.handle} mentionné·e.`);
  }
}

// --- Files pasted or dropped ---------------------------------------------------------------------
// An image pasted into the message box, or a file dropped onto the form, joins the files of the
// form's own file input: it is sent with the message and checked by the server like any other.

const MAX_FILES = 5; // messaging/attachments.py, MAX_ATTACHMENTS_PER_POST

function sizeInFrench(bytes) {
  if (bytes < 1024) return `${bytes} octets`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(".", ",")} Mo`;
}

function stamp() {
  const now = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

class Attachments {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector('input[type="file"]');
    this.textarea = form.querySelector("textarea");
    this.box = form.querySelector("[data-composer-files]");
    this.list = this.box.querySelector("ul");
    this.box.hidden = false;
    this.textarea.addEventListener("paste", (event) => this.pasted(event));
    form.addEventListener("dragover", (event) => this.dragging(event));
    form.addEventListener("dragleave", () => form.classList.remove("composer--drop"));
    form.addEventListener("drop", (event) => this.dropped(event));
    this.input.addEventListener("change", () => this.render());
    this.render();
  }

  pasted(event) {
    const data = event.clipboardData;
    const files = [...(data?.files || [])];
    // Text copied from a document may come with a picture of itself: the text wins.
    if (!files.length || data.getData("text/plain")) return;
    event.preventDefault();
    this.add(files, true);
  }

  dragging(event) {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault(); // a file dropped here joins the message, the browser does not open it
    event.dataTransfer.dropEffect = "copy";
    this.form.classList.add("composer--drop");
  }

  dropped(event) {
    this.form.classList.remove("composer--drop");
    const files = [...(event.dataTransfer?.files || [])];
    if (!files.length) return;
    event.preventDefault();
    this.add(files, false);
  }

  add(files, pasted) {
    const kept = new DataTransfer();
    const names = new Set();
    for (const file of this.input.files) {
      kept.items.add(file);
      names.add(file.name);
    }
    const said = [];
    for (let file of files) {
      if (kept.files.length >= MAX_FILES) {
        said.push(`${MAX_FILES} fichiers au plus par message : ${file.name} n'est pas joint.`);
        continue;
      }
      // A pasted image is called « image.png » by the browser, every time: give it a name of its own.
      if (pasted && (!file.name || file.name === "image.png" || names.has(file.name))) {
        const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
        let name = `image-collee-${stamp()}.${extension}`;
        for (let n = 2; names.has(name); n += 1) name = `image-collee-${stamp()}-${n}.${extension}`;
        file = new File([file], name, { type: file.type, lastModified: file.lastModified });
      }
      kept.items.add(file);
      names.add(file.name);
      said.push(`${file.type.startsWith("image/") ? "Image ajoutée" : "Fichier ajouté"} : ${file.name}.`);
    }
    this.input.files = kept.files;
    this.render();
    announce(said.join(" "));
  }

  remove(index) {
    const kept = new DataTransfer();
    const files = [...this.input.files];
    files.forEach((file, i) => i !== index && kept.items.add(file));
    this.input.files = kept.files;
    this.render();
    const next = this.list.querySelectorAll("button")[Math.min(index, kept.files.length - 1)];
    (next || this.textarea).focus();
    announce(`Pièce jointe retirée : ${files[index].name}.`);
  }

  render() {
    this.list.replaceChildren();
    [...this.input.files].forEach((file, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = "Retirer";
      const which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ` ${file.name}`;
      button.append(which);
      button.addEventListener("click", () => this.remove(index));
      item.append(`${file.name} (${sizeInFrench(file.size)}) `, button);
      this.list.append(item);
    });
  }
}

// --- Start ---------------------------------------------------------------------------------------

if (me) {
  dropOldDrafts();
  settleLastSending();
  for (const form of document.querySelectorAll("form[data-composer]")) {
    if (!form.querySelector("textarea")) continue;
    new Draft(form);
    if (form.dataset.previewUrl && form.querySelector("[data-composer-preview]")) new Preview(form);
    if (form.dataset.mentionsUrl && form.querySelector("[data-composer-mentions]")) new Mentions(form);
    if (form.querySelector('input[type="file"]') && form.querySelector("[data-composer-files]")) new Attachments(form);
  }
}
