// The SDK's types (GET /sdk/connect.d.ts) compile in a consumer's `tsc --strict`, and catch misuse.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { loadSdkBundle } from '../../src/embed/sdk-bundle';

async function compile(consumer: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'llr-sdk-'));
  const { dts } = await loadSdkBundle();
  writeFileSync(join(dir, 'connect.d.ts'), dts);
  writeFileSync(join(dir, 'app.ts'), consumer);
  const program = ts.createProgram([join(dir, 'app.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the SDK types', () => {
  it('compile in a strict consumer that uses connect() as documented', async () => {
    const errors = await compile(`
      import { connect, type ConnectError, type ConnectResult } from './connect';
      document.querySelector('button')?.addEventListener('click', async () => {
        try {
          const result: ConnectResult = await connect('https://r.example/start/x', { mode: 'popup' });
          const id: string = result.onboarding_id;
          const done: 'completed' = result.status;
          console.log(id, done);
        } catch (error) {
          console.log((error as ConnectError).code);
        }
      });
      void connect('https://r.example/start/x', { mode: 'redirect', timeoutMs: 1000 });
    `);
    expect(errors).toEqual([]);
  }, 30000);

  it('refuse a mode that does not exist and a result field that is not there', async () => {
    const errors = await compile(`
      import { connect } from './connect';
      void connect('https://r.example/start/x', { mode: 'iframe' });
      void connect('https://r.example/start/x').then((r) => r.login_id);
    `);
    expect(errors).toHaveLength(2);
  }, 30000);
});
