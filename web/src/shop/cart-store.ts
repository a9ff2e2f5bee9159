/**
 * The cart on this device: lines and, once reserved, the hold's id. Kept in localStorage so a
 * reload keeps both; the hold itself lives in Firestore (watched with watchReservation).
 */
import { useEffect, useState } from 'preact/hooks';

export interface CartLine {
  sku: string;
  productId: string;
  name: string;
  options: string;
  priceMinor: number;
  qty: number;
}

export interface Cart {
  lines: CartLine[];
  reservationId: string | null;
  /** The order the last checkout made, to say so once the cart is empty. */
  lastOrderId?: string | null;
}

const KEY = 'hearth.cart';
const listeners = new Set<(cart: Cart) => void>();

function read(): Cart {
  try {
    const cart = JSON.parse(localStorage.getItem(KEY) ?? '') as Cart;
    if (Array.isArray(cart.lines)) return cart;
  } catch {
    // Nothing stored yet, or something unreadable: start empty.
  }
  return { lines: [], reservationId: null };
}

let cart = read();

/**
 * The cart as stored now. A handler reads this rather than the cart of its last render: a quantity
 * committed by the same click that presses "Reserve" (the field's change fires on blur) has not
 * been rendered yet when the click arrives.
 */
export const currentCart = (): Cart => cart;

export function setCart(change: (c: Cart) => Cart): void {
  cart = change(cart);
  localStorage.setItem(KEY, JSON.stringify(cart));
  for (const l of listeners) l(cart);
}

/** Adds units of a SKU; a cart that was already reserved must be reserved again, so its hold is dropped. */
export function addToCart(line: Omit<CartLine, 'qty'>, qty = 1): void {
  setCart((c) => {
    const existing = c.lines.find((l) => l.sku === line.sku);
    const lines = existing
      ? c.lines.map((l) => (l.sku === line.sku ? { ...l, qty: l.qty + qty } : l))
      : [...c.lines, { ...line, qty }];
    return { lines, reservationId: null, lastOrderId: null };
  });
}

export function useCart(): Cart {
  const [value, setValue] = useState(cart);
  useEffect(() => {
    listeners.add(setValue);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}
