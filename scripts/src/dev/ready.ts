/** Waiting for the stack's servers to come up, and checking that their ports are free first. */
import { connect, createServer } from 'node:net';
import type { Child } from './processes';

export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function jsonOk(url: string): Promise<unknown> {
  try {
    const res = await fetch(url);
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls `check` until it holds, failing early if `child` exits first (with what it printed) or
 * when `timeoutMs` passes.
 */
export async function waitFor(
  what: string,
  child: Child,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void child.exited.then((code) => (exited = code));
  while (true) {
    if (exited !== undefined) {
      throw new Error(
        `${child.name} exited (${exited}) before ${what} was ready. Its last lines:\n${child.tail()}\n` +
          `Full log: ${child.logFile}`,
      );
    }
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} was not ready after ${Math.round(timeoutMs / 1000)} s. Last lines of ${child.name}:\n` +
          `${child.tail()}\nFull log: ${child.logFile}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const portAccepts = (host: string, port: number) => () => accepts(host, port);

/** The firebase-tools hub lists each emulator once it is up. */
export const hubLists = (hubPort: number, emulators: string[]) => async () => {
  const listed = (await jsonOk(`http://127.0.0.1:${hubPort}/emulators`)) as
    Record<string, unknown> | undefined;
  return listed !== undefined && emulators.every((e) => e in listed);
};
