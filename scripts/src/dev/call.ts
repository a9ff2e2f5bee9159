/**
 * Calls a callable of the running local stack as a demo user, the way an app does: signs in to the
 * Auth emulator with the user's email and the demo password, makes sure the profile exists, calls.
 *
 *   npm run -s call -- <email> <callable> ['<json data>']
 *   npm run -s call -- ada@demo.hearth reserveStock '{"lines":[{"sku":"85123A","qty":1}]}'
 *
 * Calls that take an idempotency key get a fresh one unless the JSON has one.
 */
import { deleteApp, initializeApp } from 'firebase/app';
import { signInWithEmailAndPassword } from 'firebase/auth';
import { httpsCallable } from 'firebase/functions';
import { ensureProfile, hearthClient, newIdempotencyKey } from '../../../client/src';
import { toHearthError } from '../../../client/src/errors';
import { DEMO_PASSWORD } from '../seed/customers';
import { host, ports, projectId } from './stack';

const keyed = new Set([
  'reserveStock',
  'checkout',
  'releaseReservation',
  'restock',
  'adjustStock',
  'transferStock',
  'receiveTransfer',
  'recordReturn',
  'setShardCount',
]);

function usage(message: string): never {
  console.error(`${message}\nusage: npm run -s call -- <email> <callable> ['<json data>']`);
  process.exit(2);
}

async function main(): Promise<number> {
  const [email, name, json] = process.argv.slice(2);
  if (!email || !name) usage('give a demo user and a callable');
  let data: Record<string, unknown> = {};
  try {
    data = json ? (JSON.parse(json) as Record<string, unknown>) : {};
  } catch (err) {
    usage(`the data is not JSON: ${(err as Error).message}`);
  }
  if (keyed.has(name) && data.idempotencyKey === undefined) data.idempotencyKey = newIdempotencyKey();

  const app = initializeApp({ projectId, apiKey: 'demo-key' }, `call-${Date.now()}`);
  const client = hearthClient(app, { emulators: { host, ...portsOf() } });
  try {
    await signInWithEmailAndPassword(client.auth, email, DEMO_PASSWORD);
  } catch (err) {
    console.error(
      `could not sign in as ${email}: ${(err as Error).message}\n` +
        'Is the stack running (npm start)? Demo users are listed in its banner; `npm run seed` brings back a deleted one.',
    );
    return 1;
  }
  // What an app does after every sign-in; harmless when the profile exists.
  if (name !== 'deleteMyData') await ensureProfile(client);
  try {
    const result = await httpsCallable(client.functions, name)(data);
    console.log(JSON.stringify(result.data, null, 2));
    return 0;
  } catch (err) {
    const e = toHearthError(err);
    console.error(`${name} failed: ${e.code}: ${e.message}`);
    const { code: _code, message: _message, ...details } = e;
    if (Object.keys(details).length > 0) console.error(JSON.stringify(details, null, 2));
    return 1;
  } finally {
    await deleteApp(app);
  }
}

const portsOf = () => ({
  firestorePort: ports.firestore,
  authPort: ports.auth,
  functionsPort: ports.functions,
});

main().then((code) => process.exit(code));
