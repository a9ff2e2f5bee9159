/** The handles every helper takes: a Firestore and a Functions instance of one Firebase app. */
import type { FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, type Auth } from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, type Functions } from 'firebase/functions';

export interface HearthClient {
  db: Firestore;
  functions: Functions;
  auth: Auth;
}

export interface LocalStack {
  host?: string;
  firestorePort?: number;
  authPort?: number;
  functionsPort?: number;
}

/**
 * The client for an app; with `emulators`, pointed at the local stack (`npm start`). The region
 * is where the functions are deployed (us-central1 unless changed).
 */
export function hearthClient(
  app: FirebaseApp,
  opts: { region?: string; emulators?: LocalStack } = {},
): HearthClient {
  const db = getFirestore(app);
  const functions = getFunctions(app, opts.region ?? 'us-central1');
  const auth = getAuth(app);
  const e = opts.emulators;
  if (e) {
    const host = e.host ?? '127.0.0.1';
    connectFirestoreEmulator(db, host, e.firestorePort ?? 8080);
    connectFunctionsEmulator(functions, host, e.functionsPort ?? 5001);
    connectAuthEmulator(auth, `http://${host}:${e.authPort ?? 9099}`, { disableWarnings: true });
  }
  return { db, functions, auth };
}
