import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { orders } from "../api/client";
import { asProblem, type Problem } from "../api/problems";
import { useSession } from "../auth/AuthContext";
import { formatMoney, MAX_QUANTITY, toCents, totalCents } from "../cart";
import { useCart } from "../CartContext";
import { ProblemMessage } from "../components/ProblemMessage";

export function Cart() {
  const cart = useCart();
  const session = useSession();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function placeOrder() {
    setBusy(true);
    const lines = cart.lines.map((line) => ({ product_id: line.productId, quantity: line.quantity }));
    const { data, error, response } = await orders.POST("/orders/", { body: { lines } });
    setBusy(false);
    if (!data) {
      setProblem(asProblem(error, response.status));
      return;
    }
    cart.clear();
    navigate(`/orders?placed=${data.id}`);
  }

  if (cart.lines.length === 0) {
    return (
      <section aria-labelledby="cart-title">
        <h1 id="cart-title">Your cart</h1>
        <p>
          Your cart is empty. <Link to="/">Browse the products</Link>
        </p>
      </section>
    );
  }
  const currency = cart.lines[0].currency;
  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      <ProblemMessage problem={problem} />
      <table>
        <caption className="visually-hidden">Products in your cart</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.productId}>
              <th scope="row">{line.name}</th>
              <td>
                <label className="visually-hidden" htmlFor={`quantity-${line.productId}`}>
                  Quantity of {line.name}
                </label>
                <input
                  id={`quantity-${line.productId}`}
                  type="number"
                  min={0}
                  max={MAX_QUANTITY}
                  value={line.quantity}
                  onChange={(event) => cart.setQuantity(line.productId, Number(event.target.value))}
                />
              </td>
              <td>{formatMoney(toCents(line.unitPrice) * line.quantity, line.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td>{formatMoney(totalCents(cart.lines), currency)}</td>
          </tr>
        </tfoot>
      </table>
      {session ? (
        <button type="button" onClick={() => void placeOrder()} disabled={busy}>
          Place order
        </button>
      ) : (
        <p>
          <Link to="/log-in?next=/cart">Log in</Link> to place your order.
        </p>
      )}
    </section>
  );
}
