import { useSearchParams } from "react-router";
import { orders } from "../api/client";
import { formatMoney, toCents } from "../cart";
import { ProblemMessage } from "../components/ProblemMessage";
import { useServiceData } from "../useServiceData";

// An order is pending until catalog has reserved its stock (or could not): a
// moment, over events. Until then the page asks again.
const POLL_MS = 1500;

export function Orders() {
  const [searchParams] = useSearchParams();
  const placed = searchParams.get("placed");
  const { data, problem } = useServiceData(() => orders.GET("/orders/", { params: { query: { page_size: 50 } } }), "orders", {
    everyMs: POLL_MS,
    while: (page) => page.results.some((order) => order.status === "pending"),
  });

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">My orders</h1>
      {placed && <p role="status">Thank you: your order is placed.</p>}
      <ProblemMessage problem={problem} />
      {data && data.results.length === 0 && <p>You have not ordered anything yet.</p>}
      <ul className="cards" aria-live="polite">
        {data?.results.map((order) => (
          <li key={order.id} className="card" data-order-id={order.id}>
            <h2>Order of {new Date(order.created_at).toLocaleString()}</h2>
            <p>
              Status: <strong className={`status status-${order.status}`}>{order.status}</strong>
              {order.reason && ` (${order.reason})`}
            </p>
            <ul>
              {order.lines.map((line) => (
                <li key={line.product_id}>
                  {line.quantity} × {line.name}
                </li>
              ))}
            </ul>
            <p>Total {formatMoney(toCents(order.total), order.currency)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
