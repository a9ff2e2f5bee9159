/**
 * Chooses the TensorFlow.js backend once per process: the native `tensorflow` backend where
 * `@tensorflow/tfjs-node` is installed (its install downloads libtensorflow, which fails on many
 * machines, so it is an optional package loaded by name), else WebAssembly. A failed WASM init
 * would leave TF.js silently on the pure-JS `cpu` backend, 10-20x slower, so that is an error
 * unless the caller allows it.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname, join } from 'node:path';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** Skip `@tensorflow/tfjs-node` even when installed (for comparable timings). */
  preferWasm?: boolean;
  /** Accept the slow `cpu` backend when WASM fails to start (tests on odd machines). */
  allowCpu?: boolean;
  log?: (message: string) => void;
}

const nativePackage = '@tensorflow/tfjs-node';
let chosen: Promise<BackendName> | undefined;

function nativeAvailable(): boolean {
  try {
    require.resolve(nativePackage);
    return true;
  } catch {
    return false;
  }
}

async function choose(options: BackendOptions): Promise<BackendName> {
  const log = options.log ?? ((m: string) => console.log(m));
  if (!options.preferWasm && nativeAvailable()) {
    try {
      await import(nativePackage);
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        log(`recommendations: TF.js backend tensorflow (${nativePackage})`);
        return 'tensorflow';
      }
      log(`recommendations: ${nativePackage} is installed but its backend did not start; trying wasm`);
    } catch (error) {
      log(`recommendations: ${nativePackage} failed to load (${String(error)}); trying wasm`);
    }
  }
  // The package's dist/ folder holds the .wasm binaries; read them from disk, not by fetch.
  setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  if (await tf.setBackend('wasm')) {
    await tf.ready();
    log('recommendations: TF.js backend wasm (@tensorflow/tfjs-backend-wasm)');
    return 'wasm';
  }
  if (!options.allowCpu) {
    throw new Error(
      'TF.js could not start the wasm backend (and @tensorflow/tfjs-node is not usable); ' +
        'refusing the cpu backend, which is 10-20x slower. Check that @tensorflow/tfjs-backend-wasm is installed.',
    );
  }
  await tf.setBackend('cpu');
  await tf.ready();
  log('recommendations: TF.js backend cpu (slow fallback: wasm failed to start)');
  return 'cpu';
}

/** Initialises TF.js once; later calls return the same backend whatever their options. */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  chosen ??= choose(options).catch((error: unknown) => {
    chosen = undefined;
    throw error;
  });
  return chosen;
}

export { tf };
