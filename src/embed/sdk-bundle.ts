// The browser SDK as served: src/embed/sdk/connect.js minified once at start-up (terser), and its types.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { minify as Minify } from 'terser' with { 'resolution-mode': 'import' };

// terser's types are declared as an ES module; at run time its CommonJS build is the one required.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { minify } = require('terser') as { minify: typeof Minify };

export interface SdkBundle {
  /** The minified ES module. */
  js: string;
  /** Its TypeScript declarations. */
  dts: string;
}

const SDK_DIR = join(__dirname, 'sdk');

export async function loadSdkBundle(): Promise<SdkBundle> {
  const [source, dts] = await Promise.all([
    readFile(join(SDK_DIR, 'connect.js'), 'utf8'),
    readFile(join(SDK_DIR, 'connect.d.ts'), 'utf8'),
  ]);
  const minified = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
  if (!minified.code) throw new Error('the browser SDK could not be minified');
  return { js: `/*! login-link-receiver connect.js */\n${minified.code}\n`, dts };
}
