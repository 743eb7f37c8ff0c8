/**
 * The server's default log: one entry per request, written when it is answered, that the pretty format prints as
 * one line ("GET /metal/v1/projects 200 4ms"), with tokens in boot URLs redacted.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createCloud, type Cloud } from '../../lib/cloud';
import { prettyMessage } from '../../lib/cli/logger';

describe('server log', () => {
  let cloud: Cloud;
  const entries: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) entries.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    cloud = await createCloud({ catalog: false, port: 0, startWorkers: false, logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('writes one entry per request at the default level, which the pretty format prints as one line', async () => {
    const before = entries.length;
    const res = await cloud.app.inject({ method: 'GET', url: '/metal/v1/projects', headers: { 'x-auth-token': cloud.adminToken } });
    expect(res.statusCode).toBe(200);
    const written = entries.slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ req: { method: 'GET', url: '/metal/v1/projects' }, res: { statusCode: 200 } });
    expect(prettyMessage(written[0])).toMatch(/^GET \/metal\/v1\/projects 200 \d+ms$/);
  });

  it('keeps secrets out of the request entry', async () => {
    const before = entries.length;
    await cloud.app.inject({ method: 'GET', url: '/metadata?token=s3cret-install-token' });
    const written = entries.slice(before);
    expect(written).toHaveLength(1);
    expect(JSON.stringify(written)).not.toContain('s3cret');
    expect(prettyMessage(written[0])).toMatch(/^GET \/metadata\?token=\[redacted\] \d{3} \d+ms$/);
  });

  it('prints other entries by their message', () => {
    expect(prettyMessage({ msg: 'seeded the simulated data center from the catalog' })).toBe(
      'seeded the simulated data center from the catalog',
    );
  });
});
