// A page with no key: it parses the proxy's envelopes and follows the company's activity
// through the page's own edge proxy.
import { openActivityFeed, parseEnvelope } from "capx";

const company = new URLSearchParams(location.search).get("company");
const { data } = parseEnvelope(200, JSON.stringify({ success: true, data: { id: company }, meta: { credits_used: 0, credits_remaining: 1 } }));
document.getElementById("envelope").textContent = `parsed ${data.id}`;

openActivityFeed(`/api/capx/companies/${company}/activity`, {
  onOpen: () => (document.body.dataset.feed = "open"),
  onEvent: (event) => {
    const item = document.createElement("li");
    item.textContent = `${event.type} ${event.task_id ?? ""}`;
    document.getElementById("events").append(item);
  },
  onError: (error) => (document.body.dataset.error = error.code),
});
