/** What `npm start` prints once the stack is up: where everything is and what to try. */
import { DEMO_PASSWORD } from '../seed/customers';
import type { SeedResult } from '../seed/seed';
import { functionsRegion, host, ports, projectId } from './stack';

export function printBanner(o: { official: boolean; seeded: SeedResult | undefined; seconds: number }): void {
  const firestore = o.official ? 'official Firestore emulator' : "project's Firestore emulator";
  const lines = [
    '',
    `Hearth is running (started in ${o.seconds.toFixed(0)} s). Project id: ${projectId}`,
    '',
    `  Firestore  ${host}:${ports.firestore}   (${firestore}; FIRESTORE_EMULATOR_HOST=${host}:${ports.firestore})`,
    `  Auth       ${host}:${ports.auth}   (FIREBASE_AUTH_EMULATOR_HOST=${host}:${ports.auth})`,
    `  Functions  ${host}:${ports.functions}   (callables at http://${host}:${ports.functions}/${projectId}/${functionsRegion}/<name>)`,
    `  Hub        ${host}:${ports.hub}   (firebase-tools' list of running emulators: /emulators)`,
    '',
  ];
  if (o.seeded) {
    lines.push(`Demo users (password "${DEMO_PASSWORD}" for all; sign in with the email):`);
    for (const u of o.seeded.users) lines.push(`  ${u.email.padEnd(20)} uid ${u.uid.padEnd(12)} ${u.note}`);
    lines.push('', `Hot SKUs (sharded stock, for flash sales): ${o.seeded.hotSkus.join(', ')}`, '');
  }
  const hot = o.seeded?.hotSkus[0] ?? '85123A';
  lines.push(
    'Try, in another terminal:',
    '  npm run scene                                          # shoppers race for a hot SKU; a watcher prints availability live',
    `  npm run -s call -- ada@demo.hearth reserveStock '{"lines":[{"sku":"${hot}","qty":1}]}'`,
    '  npm run -s call -- ada@demo.hearth getRecommendations',
    `  npm run -s call -- ada@demo.hearth similarItems '{"productId":"p84661"}'`,
    '  npm run -s call -- ada@demo.hearth exportMyData > ada.json',
    `  npm run -s call -- ben@demo.hearth deleteMyData '{"confirm":"DELETE"}'`,
    '  npm run seed                                           # seed again: idempotent, keeps live stock',
    '',
    `Apps: connectFirestoreEmulator(db, "${host}", ${ports.firestore}), connectAuthEmulator(auth, "http://${host}:${ports.auth}"),`,
    `      connectFunctionsEmulator(functions, "${host}", ${ports.functions}) with projectId "${projectId}"; see client/.`,
    '',
    'Logs of each server: .cache/dev/. Ctrl-C stops everything.',
  );
  console.log(lines.join('\n'));
}
