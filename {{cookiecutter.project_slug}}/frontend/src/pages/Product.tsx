import { useState } from "react";
import { Link, useParams } from "react-router";
import { catalog } from "../api/client";
import { useSession } from "../auth/AuthContext";
import { isStaff } from "../auth/session";
import { formatMoney, MAX_QUANTITY, toCents } from "../cart";
import { useCart } from "../CartContext";
import { ProblemMessage } from "../components/ProblemMessage";
import { useServiceData } from "../useServiceData";

export function Product() {
  const { productId = "" } = useParams();
  const session = useSession();
  const cart = useCart();
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const { data: product, problem } = useServiceData(
    () => catalog.GET("/products/{product_id}/", { params: { path: { product_id: productId } } }),
    productId,
  );

  if (!product) {
    return <ProblemMessage problem={problem} />;
  }
  return (
    <article aria-labelledby="product-title">
      <h1 id="product-title">{product.name}</h1>
      <p className="price">{formatMoney(toCents(product.price), product.currency)}</p>
      <p>{product.description}</p>
      <p className="muted">
        SKU {product.sku} · {product.available > 0 ? `${product.available} in stock` : "Sold out"}
      </p>
      {product.available > 0 && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            cart.add({
              productId: product.id,
              name: product.name,
              unitPrice: product.price,
              currency: product.currency,
              quantity,
            });
            setAdded(true);
          }}
        >
          <label htmlFor="quantity">Quantity</label>
          <input
            id="quantity"
            type="number"
            min={1}
            max={Math.min(product.available, MAX_QUANTITY)}
            value={quantity}
            onChange={(event) => setQuantity(Number(event.target.value))}
          />
          <button type="submit">Add to cart</button>
        </form>
      )}
      {added && (
        <p role="status">
          Added to your cart. <Link to="/cart">Go to the cart</Link>
        </p>
      )}
      {isStaff(session) && (
        <p>
          <Link to={`/products/${product.id}/edit`}>Edit this product</Link>
        </p>
      )}
    </article>
  );
}
