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
    if (form.querySelector('input[type="file"]') && form.querySelector("[data-composer-files]")) new Attachments(form);
  }
}
