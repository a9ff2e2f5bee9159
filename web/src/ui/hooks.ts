/** Listener lifetimes tied to components: subscribe on mount and when the inputs change, stop on unmount. */
import { useEffect, useState } from 'preact/hooks';
import type { HearthError } from '@hearth/client';

/**
 * A live value from a `watch*` helper: `subscribe` gets a setter for the value and one for an
 * error, and returns the unsubscribe function.
 */
export function useLive<T>(
  subscribe: (set: (value: T) => void, fail: (e: HearthError) => void) => () => void,
  deps: unknown[],
): { value: T | undefined; error: HearthError | undefined } {
  const [state, setState] = useState<{ value: T | undefined; error: HearthError | undefined }>({
    value: undefined,
    error: undefined,
  });
  useEffect(() => {
    setState({ value: undefined, error: undefined });
    return subscribe(
      (value) => setState({ value, error: undefined }),
      (error) => setState((s) => ({ ...s, error })),
    );
    // The caller names what the subscription depends on.
  }, deps);
  return state;
}

/** The time now, ticking every `ms` (for countdowns): a clock for the screen, not a wait. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
