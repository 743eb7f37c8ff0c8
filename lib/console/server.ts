/**
 * Serves the web console at `/`: the page, and the client bundle that esbuild builds from lib/console/client on the
 * first request (kept in memory, so no build step stands between a checkout and a working console). Assets have
 * content-hashed names and are cached for a year; the page is revalidated by its ETag. Everything is sent gzip'd to
 * clients that take it, under a Content-Security-Policy that lets the page load only its own files and talk only to
 * its own origin.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const CLIENT_DIR = join(__dirname, 'client');
/** Where the bundle's files are served from; the page itself is `/`. */
export const ASSET_PREFIX = '/console/';

/**
 * Only the console's own files, no inline script or style, no plugins, no framing; API calls go to the same origin.
 * Styles set through the DOM (uPlot's sizes, the list's row offsets) are not inline style and stay allowed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(body: Buffer, type: string, cacheControl: string): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, gzip: gzipSync(body, { level: 9 }), type, etag, cacheControl };
}

export interface ConsoleBundle {
  /** `/` and each `/console/<file>`, by path. */
  assets: Map<string, Asset>;
}

/** Builds the client (minified, split so the chart and the map load only on their views) and the page naming it. */
export async function buildConsole(): Promise<ConsoleBundle> {
  const result = await esbuild.build({
    entryPoints: { console: join(CLIENT_DIR, 'main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    outdir: '/console-build',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  let script = '';
  let style = '';
  for (const file of result.outputFiles) {
    const name = file.path.slice('/console-build/'.length);
    const extension = name.slice(name.lastIndexOf('.'));
    assets.set(ASSET_PREFIX + name, asset(Buffer.from(file.contents), TYPES[extension], 'public, max-age=31536000, immutable'));
    if (name.startsWith('console-') && extension === '.js') script = ASSET_PREFIX + name;
    if (name.startsWith('console-') && extension === '.css') style = ASSET_PREFIX + name;
  }
  // The icon, so the browser's own request for one finds it.
  const icon = asset(readFileSync(join(CLIENT_DIR, 'favicon.svg')), TYPES['.svg'], 'public, max-age=86400');
  assets.set(`${ASSET_PREFIX}favicon.svg`, icon);
  const page = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>metalforge console</title>',
    `<link rel="icon" href="${ASSET_PREFIX}favicon.svg" type="image/svg+xml">`,
    style && `<link rel="stylesheet" href="${style}">`,
    `<script type="module" src="${script}"></script>`,
    '</head>',
    '<body><div id="app"></div></body>',
    '</html>',
    '',
  ].join('\n');
  // The page names the current bundle, so it is revalidated every time (a cheap 304 while nothing changed).
  assets.set('/', asset(Buffer.from(page), TYPES['.html'], 'no-cache'));
  return { assets };
}

function send(request: FastifyRequest, reply: FastifyReply, found: Asset): FastifyReply {
  reply.headers({ ...SECURITY_HEADERS, 'cache-control': found.cacheControl, etag: found.etag, vary: 'accept-encoding' });
  if (request.headers['if-none-match'] === found.etag) return reply.status(304).send();
  reply.type(found.type);
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(found.gzip);
  return reply.send(found.body);
}

/** Mounts the console on `app`: `/` and `/console/*`. The bundle is built once, on the first request. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  let bundle: Promise<ConsoleBundle> | undefined;
  // A failed build is not kept: the next request tries again (and its error is answered as any other 500).
  const built = () =>
    (bundle ??= buildConsole().catch((err: unknown) => {
      bundle = undefined;
      throw err;
    }));
  const serve = async (request: FastifyRequest, reply: FastifyReply, path: string) => {
    const found = (await built()).assets.get(path);
    if (!found) return reply.status(404).type('text/plain; charset=utf-8').headers(SECURITY_HEADERS).send(`no console file ${path}\n`);
    return send(request, reply, found);
  };
  app.get('/', { logLevel: 'warn' }, (request, reply) => serve(request, reply, '/'));
  app.get<{ Params: { file: string } }>(`${ASSET_PREFIX}:file`, { logLevel: 'warn' }, (request, reply) =>
    serve(request, reply, ASSET_PREFIX + request.params.file),
  );
}
