// The cart lives in the browser until the order is placed: plain functions over a
// list of lines, kept in localStorage so that a reload keeps it.
export interface CartLine {
  productId: string;
  name: string;
  unitPrice: string; // a decimal string, as the catalog sends prices
  currency: string;
  quantity: number;
}

export const MAX_QUANTITY = 100;
const STORAGE_KEY = "cart";

export function addToCart(lines: CartLine[], line: CartLine): CartLine[] {
  const existing = lines.find((candidate) => candidate.productId === line.productId);
  if (!existing) {
    return [...lines, { ...line, quantity: clamp(line.quantity) }];
  }
  return setQuantity(lines, line.productId, existing.quantity + line.quantity);
}

export function setQuantity(lines: CartLine[], productId: string, quantity: number): CartLine[] {
  if (quantity <= 0) {
    return lines.filter((line) => line.productId !== productId);
  }
  return lines.map((line) =>
    line.productId === productId ? { ...line, quantity: clamp(quantity) } : line,
  );
}

/** The total in cents, so that adding prices never drifts the way floats do. */
export function totalCents(lines: CartLine[]): number {
  return lines.reduce((sum, line) => sum + toCents(line.unitPrice) * line.quantity, 0);
}

export function toCents(price: string): number {
  const [units, fraction = ""] = price.split(".");
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
  return price.startsWith("-") ? -Math.abs(cents) : cents;
}

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(cents / 100);
}

export function loadCart(): CartLine[] {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(stored) ? (stored as CartLine[]) : [];
  } catch {
    return [];
  }
}

export function saveCart(lines: CartLine[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(lines));
}

function clamp(quantity: number): number {
  return Math.min(Math.max(Math.trunc(quantity), 1), MAX_QUANTITY);
}
