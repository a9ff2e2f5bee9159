import type { BrowserSdk } from './sdk-page';

declare global {
  interface Window {
    sdk: BrowserSdk;
    /** Whatever a test keeps on the page between evaluate calls (listeners, databases). */
    t: Record<string, any>;
  }
}
