import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';

/** The TensorFlow.js namespace. */
export type Tf = typeof TF;

/** The backends we know how to pick, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Fastest first: native libtensorflow, then WASM (XNNPACK), then plain JS. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// TF.js is loaded with a synchronous require on first use rather than a static
// import: importing it costs ~0.4 s per process and per worker thread, and
// everything that imports the model-type registry would pay that even for
// tree models. The CommonJS builds are the same instances an ESM import gets.
const require = createRequire(import.meta.url);
let tfModule: Tf | undefined;
let chosen: BackendName | undefined;
let selection: Promise<BackendName> | undefined;

/** The TensorFlow.js namespace, loaded on first call. */
export function tf(): Tf {
  if (!tfModule) {
    tfModule = require('@tensorflow/tfjs') as Tf;
    // Production mode silences the "install tfjs-node" banner and debug checks.
    tfModule.enableProdMode();
  }
  return tfModule;
}

/**
 * Picks the fastest backend that works here, once per process or thread:
 * `@tensorflow/tfjs-node` when it is installed, else the WASM backend, else
 * the plain CPU backend. Await it before fitting neural models; fits are
 * synchronous and otherwise run on whatever backend TF.js starts with (CPU).
 * @returns the chosen backend's name
 */
export function ensureBackend(): Promise<BackendName> {
  selection ??= selectBackend();
  return selection;
}

/** The backend chosen by `ensureBackend` (or `useBackend`), undefined before that finished. */
export function chosenBackend(): BackendName | undefined {
  return chosen;
}

/** The backend TF.js is running on right now (starting the default one if none is). */
export function activeBackend(): string {
  return tf().getBackend();
}

/**
 * Switches to one backend (benchmarks, tests). Resolves false when that
 * backend cannot be loaded or initialised here; the previous one stays.
 */
export async function useBackend(name: BackendName): Promise<boolean> {
  const t = tf();
  if (!t.findBackendFactory(name) && !register(name)) return false;
  let ok = false;
  try {
    ok = await t.setBackend(name);
    await t.ready();
  } catch {
    ok = false;
  }
  if (ok) {
    chosen = name;
    selection = Promise.resolve(name);
  }
  return ok;
}

/** The backends that can be loaded here (registered or installable), fastest first. */
export function availableBackends(): BackendName[] {
  return BACKEND_PREFERENCE.filter((name) => tf().findBackendFactory(name) !== null || register(name));
}

async function selectBackend(): Promise<BackendName> {
  for (const name of BACKEND_PREFERENCE) {
    if (await useBackend(name)) return name;
  }
  throw new Error('TensorFlow.js: no backend could be initialised (tried tensorflow, wasm, cpu)');
}

const loaded = new Set<BackendName>();

/** Loads the package that registers a backend (once); false when it is not installed. */
function register(name: BackendName): boolean {
  tf();
  if (loaded.has(name)) return tf().findBackendFactory(name) !== null;
  loaded.add(name);
  try {
    if (name === 'tensorflow') {
      // optionalDependency: absent where libtensorflow could not be downloaded
      require('@tensorflow/tfjs-node');
    } else if (name === 'wasm') {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
      // The .wasm binaries ship in the package's dist/ folder; Emscripten reads them from disk in Node.
      const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      wasm.setWasmPaths(dist);
    }
    return tf().findBackendFactory(name) !== null;
  } catch {
    return false;
  }
}
