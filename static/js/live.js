// Entre pairs — the live layer. The pages work without it; with it, they stay current.
// Protocol: docs/realtime.md. One websocket per page, reconnection with back-off and jitter,
// catch-up by sequence number, and a visible connection state.

const body = document.body;
const me = Number(body.dataset.userId);
const streams = new Map(JSON.parse(body.dataset.streams || "[]").map((s) => [s.stream, s.seq]));
const thread = document.querySelector("[data-thread-id]");
const threadId = thread ? Number(thread.dataset.threadId) : null;
const threadStream = thread ? thread.dataset.stream : null;
const status = document.getElementById("etat-connexion");
const announcer = document.getElementById("annonces");
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";
// The server closes the connection on a frame over this size, counted in UTF-8 bytes.
const maxFrameBytes = Number(body.dataset.maxFrameBytes) || Infinity;
const encoder = new TextEncoder();

let socket = null;
let attempt = 0;
let everConnected = false;

function setStatus(text, state) {
  if (!status) return;
  status.textContent = text;
  status.dataset.state = state;
}

function announce(text) {
  if (announcer) announcer.textContent = text;
}

// Whether the frame left: not without a connection, nor when it is too big for one.
function send(frame) {
  const text = JSON.stringify(frame);
  if (socket && socket.readyState === WebSocket.OPEN && encoder.encode(text).length <= maxFrameBytes) {
    socket.send(text);
    return true;
  }
  return false;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/live/`);
  socket.addEventListener("open", () => {
    attempt = 0;
    // Back after a loss: the count may have changed meanwhile (it is not in the event log).
    if (everConnected) refreshNotificationCount();
    setStatus(everConnected ? "Connexion rétablie." : "", "open");
    if (everConnected) setTimeout(() => status?.dataset.state === "open" && setStatus("", "open"), 3000);
    everConnected = true;
    for (const [stream, seq] of streams) send({ type: "subscribe", stream, after: seq });
    if (threadId) send({ type: "viewing", thread: threadId });
  });
  socket.addEventListener("message", (message) => {
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch {
      return;
    }
    handleFrame(frame);
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4401 || event.code === 4403) {
      setStatus("Votre session a pris fin : rechargez la page pour vous reconnecter.", "closed");
      return;
    }
    // Exponential back-off with jitter: 1 s, 2 s, 4 s... up to 30 s, each ±50 %.
    const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random());
    attempt += 1;
    setStatus("Connexion perdue, reconnexion…", "lost");
    setTimeout(connect, delay);
  });
}

function handleFrame(frame) {
  if (frame.type === "event") return handleEvent(frame);
  if (frame.type === "resync") return location.reload();
  if (frame.type === "typing") return showTyping(frame);
  if (frame.type === "presence") return showReaders(frame);
  if (frame.type === "ack") return acknowledged(frame);
  if (frame.type === "notifications") return showNotificationCount(frame.unread, true);
  if (frame.type === "error" && frame.client_id) return replyFailed(frame.reason);
  if (frame.type === "unsubscribed" && frame.reason === "access") {
    setStatus("Vous n'avez plus accès à ce club.", "closed");
  }
}

function handleEvent(frame) {
  const last = streams.get(frame.stream) ?? 0;
  if (frame.seq <= last) return; // already seen (replay and live can overlap)
  if (frame.seq > last + 1) {
    // A gap: ask for what is missing; the events will come again in order.
    send({ type: "subscribe", stream: frame.stream, after: last });
    return;
  }
  streams.set(frame.stream, frame.seq);
  if (thread && frame.thread === threadId) applyToThread(frame);
  if (frame.stream.startsWith("club.")) refreshClubLists(frame);
}

// --- The thread page ---------------------------------------------------------------------------

function fragment(html) {
  const node = parse(html);
  adapt(node);
  return node;
}

// Live fragments are rendered once for every reader: keep the controls that apply to this one.
function adapt(node) {
  const author = Number(node.dataset.authorId) === me;
  const rights = thread?.dataset ?? {};
  const keep = {
    author,
    others: !author,
    posters: rights.canPost === "true",
    moderators: rights.canModerate === "true" && !author, // never over one's own post
    accepter: rights.canAccept === "true",
  };
  for (const control of node.querySelectorAll("[data-visible-to]")) {
    if (!keep[control.dataset.visibleTo]) control.remove();
  }
  for (const form of node.querySelectorAll('form[method="post"]')) {
    if (form.querySelector('[name="csrfmiddlewaretoken"]')) continue;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrfmiddlewaretoken";
    input.value = csrfToken;
    form.prepend(input);
  }
}

function applyToThread(frame) {
  const existing = document.getElementById(`message-${frame.post}`);
  if (frame.event === "post.created") {
    stoppedTyping(frame.author);
    if (existing || document.querySelector('a[rel="next"]')) return; // not at the end: no insert
    const list = document.getElementById("messages");
    list.querySelector(".empty-state")?.remove();
    const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
    // Two replies at once may arrive in either order: each takes its place by number.
    const later = [...list.querySelectorAll(":scope > article.post")].find((post) => Number(post.dataset.postId) > frame.post);
    list.insertBefore(fragment(frame.html), later || null);
    if (!later) {
      // The way to the latest post leads to this one now.
      for (const link of document.querySelectorAll('a[data-jump="last"][href^="#"]')) link.href = `#message-${frame.post}`;
    }
    if (frame.author !== me) {
      announce(`Nouveau message de ${frame.author_name}.`);
      if (!atBottom) showNewMessagesButton(frame.post);
    }
    if (document.visibilityState === "visible") send({ type: "read", thread: threadId, post: frame.post });
  } else if (["post.edited", "post.deleted", "post.hidden", "post.restored"].includes(frame.event)) {
    // A post being edited here keeps its editor: the answer to the edit brings its new face.
    if (existing && !existing.querySelector("form[data-editing]")) replaceKeepingFocus(existing, fragment(frame.html));
  } else if (frame.event === "reaction.changed" && existing) {
    updateReactions(existing, frame);
  } else if (frame.event === "thread.solved" || frame.event === "thread.pinned") {
    refreshThread().then((done) => done || showThreadChanged());
  } else if (frame.event.startsWith("thread.")) {
    showThreadChanged();
  }
}

// One form per post, one button per kind of reaction (name="kind", value = the kind).
function updateReactions(article, frame) {
  for (const button of article.querySelectorAll('.post__reactions button[name="kind"]')) {
    const kind = button.value;
    let counter = button.querySelector(".reaction__count");
    const count = frame.counts[kind] || 0;
    if (count && !counter) {
      counter = document.createElement("span");
      counter.className = "reaction__count";
      button.append(" ", counter);
    }
    if (counter) counter.textContent = count || "";
    if (frame.user === me && frame.kind === kind) {
      button.setAttribute("aria-pressed", String(frame.added)); // the style follows it
    }
  }
}

function showNewMessagesButton(postId) {
  let button = document.getElementById("nouveaux-messages");
  if (!button) {
    button = document.createElement("button");
    button.id = "nouveaux-messages";
    button.type = "button";
    button.className = "button new-messages";
    button.textContent = "Nouveaux messages ↓";
    button.addEventListener("click", () => {
      document.getElementById(button.dataset.target)?.scrollIntoView();
      button.remove();
    });
    document.body.append(button);
  }
  button.dataset.target ||= `message-${postId}`;
}

// Opened without naming a post (a link from a search, an email...): go where the reader stopped,
// as the club page's links do with their anchor.
if (thread?.dataset.openAt && !location.hash) {
  document.getElementById(thread.dataset.openAt)?.scrollIntoView();
}

function showThreadChanged() {
  const notice = document.getElementById("fil-modifie");
  if (notice) notice.hidden = false;
}

// Who is writing in this thread, by member: their name and when they last said so.
const typing = new Map();
function showTyping(frame) {
  if (frame.thread !== threadId) return;
  typing.set(frame.user, { name: frame.name, at: Date.now() });
  renderTyping();
  setTimeout(renderTyping, 5100);
}

function renderTyping() {
  const box = document.getElementById("en-train-d-ecrire");
  if (!box) return;
  const now = Date.now();
  for (const [user, { at }] of typing) if (now - at > 5000) typing.delete(user);
  const names = [...typing.values()].map(({ name }) => name);
  box.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "écrivent" : "écrit"}…` : "";
}

// Their post has arrived: they are no longer writing it.
function stoppedTyping(user) {
  if (typing.delete(user)) renderTyping();
}

function showReaders(frame) {
  const box = document.getElementById("lecteurs");
  if (!box || frame.thread !== threadId) return;
  box.textContent = frame.readers.length ? `En ce moment sur ce fil : ${frame.readers.join(", ")}.` : "";
}

// Safety net: every 30 s, ask each stream for anything after the last event seen. A live message
// lost on the way (the channel layer restarting, say) arrives this way; usually nothing does.
setInterval(() => {
  for (const [stream, seq] of streams) send({ type: "subscribe", stream, after: seq });
}, 30000);

// Presence: say every 30 s that this page still shows the thread.
if (threadId) setInterval(() => send({ type: "viewing", thread: threadId }), 30000);

// --- The reply form: through the socket when it is open, over HTTP otherwise -------------------

// A form the server refused comes back with its first field in error marked autofocus. Browsers
// skip autofocus when the address names an anchor (the reply form's #repondre), and focus the
// anchor once the page has loaded: the field takes the focus after that.
const refusedField = document.querySelector("form [autofocus]");
if (refusedField) {
  const focusField = () => document.activeElement !== refusedField && refusedField.focus();
  if (document.readyState === "complete") focusField();
  else window.addEventListener("load", () => setTimeout(focusField));
}

const replyForm = document.querySelector("form[data-live-reply]");
const replyError = document.getElementById("erreur-reponse");
let lastTyping = 0;

function newClientId() {
  return crypto.randomUUID ? crypto.randomUUID().replaceAll("-", "") : String(Date.now()) + Math.random();
}

if (replyForm) {
  const textarea = replyForm.querySelector("textarea");
  const clientId = replyForm.querySelector('[name="client_id"]');
  textarea.addEventListener("input", () => {
    if (Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      send({ type: "typing", thread: threadId });
    }
  });
  replyForm.addEventListener("submit", (event) => {
    const files = replyForm.querySelector('input[type="file"]');
    if (files && files.files.length) return; // files travel over HTTP
    if (!textarea.value.trim()) return; // let the server say what is missing
    const sent = send({ type: "post", thread: threadId, client_id: clientId.value, source: textarea.value });
    if (!sent) return; // no connection, or a reply too long for a frame: the form posts it
    event.preventDefault();
    replyForm.setAttribute("aria-busy", "true");
  });
}

function acknowledged(frame) {
  if (!replyForm || frame.thread !== threadId) return;
  replyForm.removeAttribute("aria-busy");
  replyForm.querySelector("textarea").value = "";
  replyForm.querySelector('[name="client_id"]').value = newClientId();
  if (replyError) replyError.textContent = "";
  announce("Réponse publiée.");
}

function replyFailed(reason) {
  if (!replyForm) return;
  replyForm.removeAttribute("aria-busy");
  if (replyError) replyError.textContent = `Votre réponse n'a pas été publiée : ${reason}`;
}

// --- Small acts in place: react, accept an answer, follow, mute, mark read, edit a post ---------
// Without the script these forms post and the page comes back. With it, the page sends them,
// says the result in the live region, and changes in place: from the answer, and from the live
// event that every open page receives, this one included. Errors are shown next to the form.

function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Replace a part of the page; the focus, if it was inside, goes to the same control in the new
// part (the same form's button, the same link), or to the new part itself.
function replaceKeepingFocus(old, fresh) {
  const active = document.activeElement;
  const hadFocus = active && old.contains(active);
  const form = active?.closest?.("form");
  old.replaceWith(fresh);
  if (!hadFocus) return;
  let target = null;
  if (form?.getAttribute("action")) {
    const same = fresh.querySelectorAll(`form[action="${CSS.escape(form.getAttribute("action"))}"]`);
    const buttons = [...same].flatMap((f) => [...f.querySelectorAll("button")]);
    target = buttons.find((b) => b.name === active.name && b.value === active.value) || buttons[0];
  } else if (active.getAttribute?.("href")) {
    target = fresh.querySelector(`a[href="${CSS.escape(active.getAttribute("href"))}"]`);
  }
  if (!target) {
    target = fresh;
    target.tabIndex = -1;
  }
  target.focus();
}

// The thread's header and shown posts, as the server renders them now for this reader.
async function refreshThread() {
  if (!thread) return false;
  const first = document.querySelector("#messages > article.post");
  const url = `${location.pathname}${first ? `?depuis=${first.dataset.postId}` : ""}`;
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return false;
    const { header, posts } = await response.json();
    const oldHeader = document.getElementById("entete-fil");
    if (oldHeader) replaceKeepingFocus(oldHeader, parse(header));
    for (const [id, html] of Object.entries(posts)) {
      const article = document.getElementById(`message-${id}`);
      if (article && !article.querySelector("form[data-editing]")) replaceKeepingFocus(article, parse(html));
    }
    return true;
  } catch {
    return false;
  }
}

function showActError(form, text, field) {
  const place = field || form;
  const id = `${form.dataset.errorId ||= `erreur-${Math.random().toString(36).slice(2)}`}`;
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement("p");
    box.id = id;
    box.className = "errorlist act-error";
    box.setAttribute("role", "alert");
  }
  place.after(box);
  box.textContent = text;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
    field.setAttribute("aria-describedby", [...described, id].join(" "));
    field.focus();
  }
}

function clearActError(form) {
  if (form.dataset.errorId) document.getElementById(form.dataset.errorId)?.remove();
}

async function sendInPlace(form, submitter) {
  // « Retenir comme réponse » posts with the reaction form of its post, to its own address.
  const action = submitter?.hasAttribute("formaction") ? submitter.formAction : form.action;
  const response = await fetch(action, {
    method: "POST",
    body: new FormData(form, submitter),
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
  });
  if (response.redirected && !(response.headers.get("Content-Type") || "").includes("json")) {
    // Sent elsewhere first (to set up two-factor authentication, to log in again): go there,
    // as the form would have without the script.
    location.assign(response.url);
    return null;
  }
  try {
    return await response.json();
  } catch {
    return { ok: false, message: `L'action n'a pas abouti (erreur ${response.status}) : rechargez la page et réessayez.` };
  }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-in-place")) return;
  event.preventDefault();
  if (form.getAttribute("aria-busy") === "true") return;
  form.setAttribute("aria-busy", "true");
  let data;
  try {
    data = await sendInPlace(form, event.submitter);
  } catch {
    data = { ok: false, message: "L'action n'a pas abouti : vérifiez votre connexion et réessayez." };
  }
  form.removeAttribute("aria-busy");
  if (!data) return;
  if (!data.ok) {
    const field = data.errors && form.querySelector(`[name="${CSS.escape(Object.keys(data.errors)[0])}"]`);
    showActError(form, data.message, field);
    return;
  }
  clearActError(form);
  announce(data.message);
  if (data.reaction) {
    const article = document.getElementById(`message-${data.reaction.post}`);
    if (article) updateReactions(article, data.reaction);
  } else if (data.html) {
    const article = document.getElementById(`message-${data.post}`);
    if (article) {
      const fresh = parse(data.html);
      article.replaceWith(fresh);
      fresh.tabIndex = -1;
      fresh.focus();
    }
  } else if ("unread" in data) {
    showNotificationCount(data.unread, false);
    for (const item of document.querySelectorAll(".notification--unread")) {
      item.classList.remove("notification--unread");
      item.querySelector(".badge--new")?.remove();
    }
  } else if (!(await refreshThread())) {
    showThreadChanged();
  }
});

// « Modifier » opens the edit form in the post itself; « Annuler » closes it.
document.addEventListener("click", async (event) => {
  const link = event.target.closest?.("a[data-edit-in-place]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const article = link.closest("article.post");
  const body = article?.querySelector(".post__body");
  if (!body || article.querySelector("form[data-editing]")) return;
  event.preventDefault();
  let form = null;
  try {
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      form = page.querySelector("main form.form");
    }
  } catch {
    form = null;
  }
  if (!form) {
    location.assign(link.href); // the edit page, as without the script
    return;
  }
  const postId = article.dataset.postId;
  form.action = link.href;
  form.setAttribute("data-in-place", "");
  form.dataset.editing = postId;
  form.classList.add("post__editor");
  // Its ids must not collide with the reply form's.
  for (const element of form.querySelectorAll("[id]")) element.id = `${element.id}-${postId}`;
  for (const label of form.querySelectorAll("label[for]")) label.htmlFor = `${label.htmlFor}-${postId}`;
  for (const element of form.querySelectorAll("[aria-describedby]")) {
    const ids = element.getAttribute("aria-describedby").split(" ").filter(Boolean);
    element.setAttribute("aria-describedby", ids.map((id) => `${id}-${postId}`).join(" "));
  }
  const cancel = [...form.querySelectorAll("a")].find((a) => a.textContent.trim() === "Annuler");
  cancel?.addEventListener("click", (click) => {
    click.preventDefault();
    form.remove();
    body.hidden = false;
    link.focus();
  });
  body.hidden = true;
  body.after(form);
  form.querySelector("textarea")?.focus();
});

// --- Lists (club page, header): reloaded from the server, which knows what is unread ----------

let badgesTimer = null;
function refreshHeaderBadges() {
  clearTimeout(badgesTimer);
  badgesTimer = setTimeout(async () => {
    const response = await fetch("/fils/non-lus/", { credentials: "same-origin" });
    if (!response.ok) return;
    const { clubs } = await response.json();
    for (const badge of document.querySelectorAll("[data-unread-club]")) {
      const count = clubs[badge.dataset.unreadClub] || 0;
      badge.hidden = count === 0;
      badge.firstChild.textContent = String(count);
      const label = badge.querySelector(".visually-hidden");
      if (label) label.textContent = count > 1 ? " fils non lus" : " fil non lu";
    }
  }, 1000);
}

// --- The notifications badge: its number arrives on the personal stream ------------------------

function showNotificationCount(unread, live) {
  for (const badge of document.querySelectorAll("[data-unread-notifications]")) {
    const before = Number(badge.firstChild.textContent) || 0;
    badge.hidden = unread === 0;
    badge.firstChild.textContent = String(unread);
    const label = badge.querySelector(".visually-hidden");
    if (label) label.textContent = unread > 1 ? " non lues" : " non lue";
    if (live && unread > before) announce(unread > 1 ? `${unread} notifications non lues.` : "Une notification non lue.");
  }
}

async function refreshNotificationCount() {
  const response = await fetch("/notifications/nombre/", { credentials: "same-origin" });
  if (response.ok) showNotificationCount((await response.json()).unread, false);
}

let refreshTimer = null;
function refreshClubLists(frame) {
  if (frame.event === "post.created" && frame.author !== me) refreshHeaderBadges();
  const list = document.querySelector(`[data-thread-list="${frame.stream}"]`);
  if (!list) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const response = await fetch(list.dataset.source + location.search, { credentials: "same-origin" });
    if (!response.ok) return;
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const fresh = template.content.querySelector("[data-thread-list]");
    if (fresh) list.replaceWith(fresh);
  }, 800);
}

if (me) {
  setStatus("", "connecting");
  connect();
}
