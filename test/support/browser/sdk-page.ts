/**
 * What a test page holds: the browser builds of the Firebase SDKs (bundled with esbuild for the
 * browser, so `firebase/firestore` is the WebChannel + REST build, not the Node gRPC one), on
 * `window.sdk` for tests to drive through `page.evaluate`.
 */
import * as app from 'firebase/app';
import * as auth from 'firebase/auth';
import * as firestore from 'firebase/firestore';
import * as functions from 'firebase/functions';

const sdk = { app, auth, firestore, functions };
export type BrowserSdk = typeof sdk;

(window as unknown as { sdk: BrowserSdk }).sdk = sdk;
