// The task board: one company's tasks by status, kept live by the activity feed. Every call
// goes to this origin's /api proxy (the edge function holds the key). From the package the
// page takes only what needs no key: the EventSource wrapper and the envelope parser.
import { isTerminalStatus, openActivityFeed, parseEnvelope } from "/pkg/browser.js";

const COLUMNS = {
  pending_approval: "Pending approval",
  pending: "Pending",
  in_progress: "In progress",
  completed: "Completed",
  rejected: "Rejected",
  failed: "Failed",
};
const FEED_LIMIT = 60;
const $ = (id) => document.getElementById(id);
const companyId = new URLSearchParams(location.search).get("company");
const companyPath = `/companies/${encodeURIComponent(companyId)}`;

/** Builds an element; strings become text nodes, so task titles can never inject markup. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null && v !== false) node.setAttribute(k, v === true ? "" : v);
  node.append(...children.flat().filter((c) => c != null && c !== false && c !== ""));
  return node;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }) : "");
const fmt = (n) => Number(n).toLocaleString("en-US");

// ---- API calls through the proxy ------------------------------------------------------

let sessionCredits = 0;

/** Resolves to the unwrapped envelope or throws the CapxError the package builds from it. */
async function api(method, path, body) {
  let res;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw Object.assign(new Error("The edge function is unreachable."), { code: "connection_error", status: null });
  }
  const text = await res.text();
  try {
    const result = parseEnvelope(res.status, text, res.headers);
    showUsage(result.meta, result.rateLimit);
    return result;
  } catch (e) {
    showUsage(null, e.rateLimit);
    throw e;
  }
}

const describe = (e) => (e.status ? `${e.message} (${e.code}, HTTP ${e.status})` : `${e.message}`);

function showUsage(meta, rateLimit) {
  if (meta && typeof meta.credits_remaining === "number") {
    sessionCredits += meta.credits_used ?? 0;
    $("credits-remaining").textContent = fmt(meta.credits_remaining);
    $("credits-remaining").classList.toggle("low", meta.credits_remaining < 100);
    $("credits-session").textContent = `−${fmt(sessionCredits)} this session`;
  }
  if (rateLimit) {
    const meter = $("rate-meter");
    Object.assign(meter, { max: rateLimit.limit, low: rateLimit.limit * 0.2, high: rateLimit.limit * 0.5, optimum: rateLimit.limit, value: rateLimit.remaining });
    $("rate-text").textContent = `${fmt(rateLimit.remaining)} / ${fmt(rateLimit.limit)} left`;
    $("rate-text").title = `The window resets at ${new Date(rateLimit.reset * 1000).toLocaleTimeString()}`;
  }
}

function banner(text, retry) {
  $("banner").hidden = !text;
  $("banner-text").textContent = text ?? "";
  $("banner-retry").hidden = !retry;
  $("banner-retry").onclick = retry ? () => (banner(null), retry()) : null;
}

// ---- The board ------------------------------------------------------------------------

const tasks = new Map(); // id -> the task as far as we know it (list summary + details)
const cards = new Map(); // id -> its <article>
const columns = new Map(); // status -> { section, list, count, empty }
let order = 0; // tasks sort by when this page first saw them: the list comes oldest first

function column(status) {
  if (!columns.has(status)) {
    // An unknown status from a newer API still gets a column rather than vanishing.
    const label = COLUMNS[status] ?? status;
    const count = el("span", { class: "count" }, "0");
    const empty = el("p", { class: "empty" }, "No tasks");
    const list = el("div", { class: "cards" });
    const section = el("section", { class: "column", "data-status": status, "aria-label": label }, el("h2", {}, label, " ", count), empty, list);
    $("columns").append(section);
    columns.set(status, { section, list, count, empty });
  }
  return columns.get(status);
}

function upsert(fields) {
  const prev = tasks.get(fields.id);
  const task = { ...prev, ...fields, seen: prev?.seen ?? order++ };
  // Answers can cross on the wire: a list fetched before a task finished must not undo it.
  if (prev && isTerminalStatus(prev.status) && !isTerminalStatus(task.status)) task.status = prev.status;
  tasks.set(task.id, task);
  const sig = JSON.stringify(task);
  const old = cards.get(task.id);
  if (old?.dataset.sig === sig) return;
  const card = renderCard(task);
  card.dataset.sig = sig;
  // A card redrawn in place keeps what the user was typing into it.
  for (const input of old?.querySelectorAll("input") ?? []) {
    const twin = card.querySelector(`input[name="${input.name}"]`);
    if (twin) twin.value = input.value;
  }
  old?.remove();
  cards.set(task.id, card);
  // Events can name a task before its create call has answered: name it once known.
  if (task.title) for (const ref of document.querySelectorAll(`.task-ref[data-task="${CSS.escape(task.id)}"]`)) ref.textContent = `“${task.title}”`;
  const { list } = column(task.status);
  const after = [...list.children].find((c) => Number(c.dataset.seen) < task.seen);
  list.insertBefore(card, after ?? null);
  updateCounts();
}

function updateCounts() {
  for (const { list, count, empty } of columns.values()) {
    count.textContent = list.children.length;
    empty.hidden = list.children.length > 0;
  }
  if (tasks.size) $("board-status").hidden = true;
}

function renderCard(t) {
  const titleId = `task-${t.id}`;
  const meta = el("p", { class: "card-meta" },
    el("span", { class: `badge priority-${t.priority}` }, t.priority),
    t.agent_id && el("span", {}, t.agent_id),
    el("code", {}, t.id));
  const body = [];
  if (t.description) body.push(el("p", { class: "desc" }, t.description));
  switch (t.status) {
    case "pending_approval":
      body.push(decisionForm(t, "approve", "Comment", "Approve"), decisionForm(t, "reject", "Reason", "Reject"));
      break;
    case "pending":
      body.push(el("p", { class: "note" }, t.approved_by ? `Approved by ${t.approved_by}${t.approval_comment ? `: “${t.approval_comment}”` : ""}` : "Queued for an agent"));
      break;
    case "in_progress":
      body.push(el("p", { class: "note working" }, `Agent at work since ${time(t.started_at) || "just now"}`));
      break;
    case "completed":
    case "failed":
      if (t.output?.summary) body.push(el("p", { class: "note" }, t.output.summary));
      if (t.output?.artifacts?.length) body.push(el("ul", { class: "artifacts" }, t.output.artifacts.map((a) => el("li", {}, a))));
      if (typeof t.cost === "number") body.push(el("p", { class: "cost" }, `cost ${t.cost.toFixed(2)} · ${time(t.completed_at)}`));
      break;
    case "rejected":
      body.push(el("p", { class: "note" }, t.rejection_reason ? `Rejected: “${t.rejection_reason}”` : "Rejected"));
      break;
  }
  return el("article", { class: "card", "data-id": t.id, "data-status": t.status, "data-seen": t.seen, "aria-labelledby": titleId },
    el("h3", { id: titleId }, t.title ?? t.id), meta, body, el("p", { class: "card-error", role: "alert" }));
}

function decisionForm(t, action, label, button) {
  const id = `${action}-${t.id}`;
  return el("form", { class: `decide ${action}`, "data-action": action },
    el("label", { for: id }, label),
    el("div", { class: "row" }, el("input", { id, name: action === "approve" ? "comment" : "reason", autocomplete: "off", placeholder: "optional" }),
      el("button", { type: "submit", class: action }, button)));
}

async function onDecide(event) {
  const form = event.target.closest("form.decide");
  if (!form) return;
  event.preventDefault();
  const card = form.closest(".card");
  const input = form.querySelector("input");
  const note = input.value.trim();
  for (const b of card.querySelectorAll("button")) b.disabled = true;
  try {
    const { data } = await api("POST", `${companyPath}/tasks/${card.dataset.id}/${form.dataset.action}`, note ? { [input.name]: note } : {});
    if (isTerminalStatus(data.status)) detailed.add(data.id);
    upsert(data);
  } catch (e) {
    card.querySelector(".card-error").textContent = describe(e);
    for (const b of card.querySelectorAll("button")) b.disabled = false;
    // Someone else decided first: show where the task really is.
    if (e.status === 409) hydrate(card.dataset.id);
  }
}

async function onCreate(event) {
  event.preventDefault();
  const form = event.target;
  const title = form.elements.title;
  const body = { title: title.value.trim(), priority: form.elements.priority.value };
  if (form.elements.description.value.trim()) body.description = form.elements.description.value.trim();
  const submit = form.querySelector("button");
  submit.disabled = true;
  try {
    // Validation is the API's: its 422 message is what the user reads.
    const { data } = await api("POST", `${companyPath}/tasks`, body);
    upsert(data);
    form.reset();
    title.removeAttribute("aria-invalid");
    $("task-error").textContent = "";
    title.focus();
  } catch (e) {
    title.setAttribute("aria-invalid", "true");
    $("task-error").textContent = describe(e);
  } finally {
    submit.disabled = false;
  }
}

async function loadTasks(status) {
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: "100" });
    if (status) q.set("status", status);
    if (cursor) q.set("cursor", cursor);
    const { data, meta } = await api("GET", `${companyPath}/tasks?${q}`);
    for (const t of data) upsert(t);
    cursor = meta.has_more ? meta.cursor : null;
  } while (cursor);
}

// Full details (output, cost, reasons) come from GET one task; the list has summaries only.
const hydrating = new Map();
const detailed = new Set();
function hydrate(id) {
  if (!hydrating.has(id)) {
    const p = api("GET", `${companyPath}/tasks/${id}`)
      .then(({ data }) => {
        if (isTerminalStatus(data.status)) detailed.add(id);
        upsert(data);
      })
      .catch(() => {})
      .finally(() => hydrating.delete(id));
    hydrating.set(id, p);
  }
  return hydrating.get(id);
}

async function loadBoard() {
  if (!tasks.size) {
    $("board-status").hidden = false;
    $("board-status").textContent = "Loading tasks…";
  }
  $("columns").setAttribute("aria-busy", "true");
  try {
    await loadTasks();
    banner(null);
    $("board-status").textContent = "No tasks yet. Create the first one above.";
    updateCounts();
    // The list has summaries only. A few tasks are worth their details (the description
    // for a decision, the outcome of what just finished); the rest keep the summary.
    const all = [...tasks.values()].reverse();
    const waiting = all.filter((t) => t.status === "pending_approval" && !("description" in t));
    const finished = all.filter((t) => isTerminalStatus(t.status) && !detailed.has(t.id));
    await Promise.all([...waiting, ...finished].slice(0, 8).map((t) => hydrate(t.id)));
  } catch (e) {
    $("board-status").textContent = `Could not load the tasks: ${describe(e)}`;
    banner(`Could not load the tasks: ${describe(e)}`, loadBoard);
  } finally {
    $("columns").removeAttribute("aria-busy");
  }
}

// ---- The live feed --------------------------------------------------------------------

let feed;
let everOpened = false;
let retryMs = 1000;
let reopenTimer;
let activeTimer;
let lastActiveRefresh = 0;

function setFeedStatus(state, text) {
  $("feed-status").dataset.state = state;
  $("feed-status").textContent = text;
}

function connect() {
  setFeedStatus("connecting", "Connecting…");
  feed = openActivityFeed(`/api${companyPath}/activity`, {
    onEvent,
    onOpen() {
      retryMs = 1000;
      setFeedStatus("live", "Live");
      // A feed we reopened starts live, without what it missed: catch up once.
      if (everOpened) loadBoard();
      everOpened = true;
    },
    onError(e) {
      if (e.code !== "connection_error") return;
      // EventSource retries a dropped stream itself, but gives up on an error response
      // (the proxy's 502 while Capx is down); then it is ours to reopen, with backoff.
      if (feed.readyState === 2) scheduleReopen();
      else setFeedStatus("reconnecting", "Reconnecting…");
    },
  });
}

function scheduleReopen() {
  if (reopenTimer) return;
  setFeedStatus("offline", `Offline, retrying in ${Math.round(retryMs / 1000)} s`);
  const dead = feed;
  reopenTimer = setTimeout(() => {
    reopenTimer = null;
    dead.free();
    connect();
  }, retryMs);
  retryMs = Math.min(retryMs * 2, 10_000);
}

function onEvent(event) {
  logEvent(event);
  switch (event.type) {
    case "task.created":
    case "task.approval_required":
      if (!tasks.has(event.task_id)) hydrate(event.task_id);
      break;
    case "agent.heartbeat":
      // No event says "an agent picked this up": look, at most every few seconds, and only
      // while an approved task is waiting for an agent.
      if (!activeTimer && [...tasks.values()].some((t) => t.status === "pending")) {
        const wait = Math.max(0, lastActiveRefresh + 3000 - Date.now());
        activeTimer = setTimeout(() => {
          lastActiveRefresh = Date.now();
          loadTasks("in_progress").catch(() => {}).finally(() => (activeTimer = null));
        }, wait);
      }
      break;
    case "company.status_changed":
      showCompany({ ...company, status: event.status });
      break;
    default:
      // Completed, failed, rejected, or whatever a newer API reports about a task: the
      // task itself says where it stands now, unless it is finished and fully known.
      if (event.task_id && !detailed.has(event.task_id)) hydrate(event.task_id);
  }
}

function logEvent(event) {
  const list = $("feed-list");
  $("feed-empty").hidden = true;
  const top = list.firstElementChild;
  // Agents beat every few seconds each: fold a run of heartbeats into one line.
  if (event.type === "agent.heartbeat" && top?.dataset.type === "agent.heartbeat") {
    top.dataset.count = Number(top.dataset.count) + 1;
    top.querySelector("time").textContent = time(event.timestamp);
    top.querySelector(".detail").textContent = `${top.dataset.count} agent check-ins`;
    return;
  }
  const item = el("li", { "data-type": event.type, "data-count": 1 },
    el("time", {}, time(event.timestamp)), el("span", { class: "type" }, event.type), el("span", { class: "detail" }, eventDetail(event)));
  list.prepend(item);
  while (list.children.length > FEED_LIMIT) list.lastElementChild.remove();
}

function eventDetail(e) {
  const title = (id) => el("span", { class: "task-ref", "data-task": id }, tasks.get(id)?.title ? `“${tasks.get(id).title}”` : id);
  switch (e.type) {
    case "agent.heartbeat": return "1 agent check-in";
    case "task.created": return [title(e.task_id), ` → ${e.status}`];
    case "task.approval_required": return [title(e.task_id), " needs approval"];
    case "task.completed": return [title(e.task_id), ` done${typeof e.cost === "number" ? `, cost ${e.cost.toFixed(2)}` : ""}`];
    case "agent.error": return [title(e.task_id), `: ${e.message ?? "failed"}`];
    case "task.rejected": return [title(e.task_id), e.reason ? ` rejected: “${e.reason}”` : " rejected"];
    case "company.created": return e.name ?? "";
    case "company.status_changed": return `now ${e.status}`;
    case "costs.threshold_reached": return `spend ${e.total} passed ${e.threshold}`;
    default: {
      const { type, timestamp, company_id, ...rest } = e;
      return JSON.stringify(rest);
    }
  }
}

// ---- Pages ----------------------------------------------------------------------------

let company;
function showCompany(c) {
  company = c;
  document.title = `${c.name} · Capx task board`;
  $("title").textContent = c.name;
  $("company-line").replaceChildren(el("code", {}, c.id), ` · ${c.governance_mode} · ${c.status}`);
}

async function showBoard() {
  $("board").hidden = false;
  for (const status of Object.keys(COLUMNS)) column(status);
  $("task-form").addEventListener("submit", onCreate);
  $("columns").addEventListener("submit", onDecide);
  try {
    showCompany((await api("GET", companyPath)).data);
  } catch (e) {
    const problem = e.status === 404 ? `There is no company ${companyId}.` : `Could not load the company: ${describe(e)}.`;
    $("company-line").textContent = "";
    $("board-status").replaceChildren(`${problem} `, el("a", { href: "/" }, "Pick a company"));
    for (const id of ["task-form", "columns", "feed"]) $(id).hidden = true;
    if (e.status !== 404) banner(problem, () => location.reload());
    return;
  }
  connect();
  addEventListener("pagehide", () => feed?.close());
  await loadBoard();
}

async function showPicker() {
  $("picker").hidden = false;
  $("company-line").textContent = "No company selected";
  $("company-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { data } = await api("POST", "/companies", { name: event.target.elements.name.value.trim(), governance_mode: "human_in_loop" });
      location.assign(`/?company=${encodeURIComponent(data.id)}`);
    } catch (e) {
      $("company-error").textContent = describe(e);
    }
  });
  try {
    const { data } = await api("GET", "/companies?limit=100");
    $("company-list-status").textContent = data.length ? "" : "No companies yet: create one.";
    $("company-list-status").hidden = data.length > 0;
    $("company-list").append(...data.reverse().map((c) =>
      el("li", {}, el("a", { href: `/?company=${encodeURIComponent(c.id)}` }, c.name), " ", el("span", { class: "muted" }, `${c.id} · ${c.governance_mode} · ${c.status}`))));
  } catch (e) {
    $("company-list-status").textContent = `Could not load the companies: ${describe(e)}`;
  }
}

if (companyId) showBoard();
else showPicker();
