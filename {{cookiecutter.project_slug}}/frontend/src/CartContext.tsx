import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { addToCart, loadCart, saveCart, setQuantity, type CartLine } from "./cart";

interface Cart {
  lines: CartLine[];
  add(line: CartLine): void;
  setQuantity(productId: string, quantity: number): void;
  clear(): void;
}

const CartContext = createContext<Cart | null>(null);

export function CartScope({ children }: { children: ReactNode }) {
  const [lines, setLines] = useState<CartLine[]>(loadCart);
  useEffect(() => saveCart(lines), [lines]);
  const cart: Cart = {
    lines,
    add: (line) => setLines((current) => addToCart(current, line)),
    setQuantity: (productId, quantity) => setLines((current) => setQuantity(current, productId, quantity)),
    clear: () => setLines([]),
  };
  return <CartContext.Provider value={cart}>{children}</CartContext.Provider>;
}

export function useCart(): Cart {
  const cart = useContext(CartContext);
  if (!cart) {
    throw new Error("useCart needs a CartScope around it");
  }
  return cart;
}
