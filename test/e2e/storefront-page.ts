/**
 * A storefront page as an app developer would write one: the Firebase browser SDKs and
 * `@hearth/client`, bundled for the browser. Tests drive it through `window.hearth`.
 */
import '../support/browser/sdk-page';
import * as hearth from '../../client/src';

Object.assign(window, { hearth });

declare global {
  interface Window {
    hearth: typeof hearth;
  }
}
