import type { BrowserSdk, PageKit } from './sdk-page';

declare global {
  interface Window {
    sdk: BrowserSdk;
    kit: PageKit;
    /** Whatever a test keeps on the page between evaluate calls (databases, listeners). */
    t: Record<string, any>;
  }
}
