/**
 * One shopper of the scene: a signed-in app user who, until the scene ends or the stock runs out,
 * puts one to three units in the cart, and mostly buys them, sometimes changes their mind.
 */
import { deleteApp, initializeApp } from 'firebase/app';
import { signInWithEmailAndPassword } from 'firebase/auth';
import { httpsCallable } from 'firebase/functions';
import { checkout, ensureProfile, hearthClient, release, reserve, type HearthClient } from '@hearth/client';
import { host, ports, projectId } from '../dev/stack';

export interface ShopperStats {
  bought: number;
  orders: number;
  released: number;
  outOfStock: number;
  otherErrors: string[];
}

export async function signIn(
  email: string,
  password: string,
): Promise<{ client: HearthClient; close: () => Promise<void> }> {
  const app = initializeApp({ projectId, apiKey: 'demo-key' }, email);
  const client = hearthClient(app, {
    emulators: { host, firestorePort: ports.firestore, authPort: ports.auth, functionsPort: ports.functions },
  });
  await signInWithEmailAndPassword(client.auth, email, password);
  return { client, close: () => deleteApp(app) };
}

/**
 * The Functions emulator serves one request per worker process and starts a worker (seconds, on
 * two cores) for each concurrent call it cannot place; calls with empty input start them without
 * changing anything (each is refused as invalid), so the scene measures the store, not start-up.
 */
export async function warmUp(client: HearthClient): Promise<void> {
  await ensureProfile(client);
  await Promise.all(
    ['reserveStock', 'checkout', 'releaseReservation'].map((name) =>
      httpsCallable(client.functions, name)({}).catch(() => undefined),
    ),
  );
}

export async function shop(
  client: HearthClient,
  sku: string,
  until: () => boolean,
  log: (line: string) => void,
  name: string,
): Promise<ShopperStats> {
  const stats: ShopperStats = { bought: 0, orders: 0, released: 0, outOfStock: 0, otherErrors: [] };
  while (!until()) {
    const qty = 1 + Math.floor(Math.random() * 3);
    const held = await reserve(client, [{ sku, qty }], { allowSplit: true });
    if (!held.ok) {
      if (held.error.code === 'out-of-stock') {
        stats.outOfStock++;
        if (held.error.available === 0) {
          log(`${name}: sold out`);
          break;
        }
        continue; // fewer left than wanted: try a smaller cart
      }
      stats.otherErrors.push(`${held.error.code}: ${held.error.message}`);
      continue;
    }
    if (Math.random() < 0.15) {
      const letGo = await release(client, held.value.reservationId);
      if (letGo.ok) stats.released += qty;
      else stats.otherErrors.push(`${letGo.error.code}: ${letGo.error.message}`);
      continue;
    }
    const order = await checkout(client, held.value.reservationId);
    if (order.ok) {
      stats.bought += qty;
      stats.orders++;
    } else stats.otherErrors.push(`${order.error.code}: ${order.error.message}`);
  }
  return stats;
}
