// The browser SDK as served: an ES module under 4 kB minified, with its types, cacheable and importable
// from any origin, holding no secret.
import supertest from 'supertest';
import { loadSdkBundle } from '../../src/embed/sdk-bundle';
import { startHarness, type Harness } from '../helpers/service-harness';

describe('the browser SDK', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'memory' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is under 4 kB minified and exports connect', async () => {
    const { js } = await loadSdkBundle();
    expect(Buffer.byteLength(js)).toBeLessThan(4096);
    expect(js).toMatch(/export\s*\{\s*\w+ as connect\s*\}|export function connect/);
  });

  it('is served as a cacheable module any origin may import', async () => {
    const res = await supertest(h.app).get('/sdk/connect.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.text).not.toContain(h.deps.apiKeys[0]);
    const types = await supertest(h.app).get('/sdk/connect.d.ts').expect(200);
    expect(types.text).toContain('export function connect(');
  });
});
