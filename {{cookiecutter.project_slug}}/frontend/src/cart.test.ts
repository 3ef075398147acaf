import { describe, expect, it } from "vitest";
import { addToCart, MAX_QUANTITY, setQuantity, toCents, totalCents, type CartLine } from "./cart";

const lamp: CartLine = { productId: "p1", name: "Lamp", unitPrice: "12.50", currency: "EUR", quantity: 1 };
const desk: CartLine = { productId: "p2", name: "Desk", unitPrice: "0.10", currency: "EUR", quantity: 3 };

describe("the cart", () => {
  it("adds to the line of a product already in it", () => {
    const lines = addToCart(addToCart([], lamp), { ...lamp, quantity: 2 });

    expect(lines).toHaveLength(1);
    expect(lines[0].quantity).toBe(3);
  });

  it("keeps quantities between 1 and the most an order line takes", () => {
    expect(addToCart([], { ...lamp, quantity: 1000 })[0].quantity).toBe(MAX_QUANTITY);
    expect(setQuantity([lamp], "p1", 0)).toEqual([]);
  });

  it("totals in cents, without the drift of floating point", () => {
    // 0.10 * 3 in floats is 0.30000000000000004
    expect(totalCents([desk])).toBe(30);
    expect(totalCents([lamp, desk])).toBe(1280);
  });

  it("reads the catalog's decimal strings as cents", () => {
    expect(toCents("12.5")).toBe(1250);
    expect(toCents("0.07")).toBe(7);
    expect(toCents("19")).toBe(1900);
  });
});
