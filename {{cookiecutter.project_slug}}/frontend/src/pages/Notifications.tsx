import { notifications } from "../api/client";
import { ProblemMessage } from "../components/ProblemMessage";
import { useServiceData } from "../useServiceData";

// Notifications follow what happens elsewhere (an order confirmed, say), over events:
// the page keeps asking while it is open.
const POLL_MS = 3000;

export function Notifications() {
  const { data, problem } = useServiceData(
    () => notifications.GET("/notifications/", { params: { query: { page_size: 50 } } }),
    "notifications",
    { everyMs: POLL_MS, while: () => true },
  );
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <ProblemMessage problem={problem} />
      {data && data.results.length === 0 && <p>Nothing yet.</p>}
      <ul className="cards" aria-live="polite">
        {data?.results.map((notification) => (
          <li key={notification.id} className="card">
            <h2>{notification.subject}</h2>
            <p className="muted">
              {notification.status === "sent" ? "Sent" : notification.status} to {notification.address},{" "}
              {new Date(notification.created_at).toLocaleString()}
            </p>
            <p className="body">{notification.body}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
