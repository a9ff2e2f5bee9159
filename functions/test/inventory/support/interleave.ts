/** Another writer landing at a chosen moment of a flow: between its reads and its transaction. */
import type { Firestore } from 'firebase-admin/firestore';

/**
 * The same Firestore, with `before` run ahead of its n-th transaction (counting from 1). The write
 * `before` makes goes through the unwrapped handle, so it is not counted itself.
 */
export function writeBeforeTransaction(db: Firestore, n: number, before: () => Promise<unknown>): Firestore {
  let calls = 0;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'runTransaction')
        return async (...args: Parameters<Firestore['runTransaction']>) => {
          if (++calls === n) await before();
          return target.runTransaction(...args);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
