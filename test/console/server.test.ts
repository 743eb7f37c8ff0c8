/** The console's files as the server sends them: built on first request, cached by hash, gzip'd, under a strict CSP. */
import { gunzipSync } from 'node:zlib';
import type { Cloud } from '../../lib/cloud';
import { CONTENT_SECURITY_POLICY } from '../../lib/console/server';
import { removeTempDirs, testCloud } from '../support/cloud';

describe('console files', () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await testCloud('pglite');
  });
  afterAll(async () => {
    await cloud.close();
    removeTempDirs();
  });

  const get = (url: string, headers: Record<string, string> = {}) => cloud.app.inject({ method: 'GET', url, headers });

  it('serves the page at / with a CSP that allows only its own files, revalidated by ETag', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|http/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toMatch(/<script type="module" src="\/console\/console-\w+\.js"><\/script>/);
    expect(page.body).not.toMatch(/<script>|style=/);
    const again = await get('/', { 'if-none-match': String(page.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves the bundle under content-hashed names for a year, gzip-compressed to clients that take it', async () => {
    const page = (await get('/')).body;
    const assets = [...page.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    expect(assets).toContain('/console/favicon.svg');
    const hashed = assets.filter((a) => /-\w{8}\.(js|css)$/.test(a));
    expect(hashed.length).toBeGreaterThanOrEqual(2);
    for (const asset of hashed) {
      const plain = await get(asset);
      expect(plain.statusCode).toBe(200);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const zipped = await get(asset, { 'accept-encoding': 'gzip, deflate' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
      expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    }
  });

  it('answers a file it does not have with 404, and leaves the API where it was', async () => {
    const missing = await get('/console/nothing-here.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatch(/no console file/);
    expect((await get('/metal/v1/projects')).statusCode).toBe(401);
  });
});
