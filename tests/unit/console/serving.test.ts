import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuild } from '../../../console/scripts/build.mjs';
import { consoleRouter, isLoopback } from '../../../src/http/console';

/** The demo token is written into the page only by `serve --demo`, and only for this machine's browsers. */
describe('console serving in demo mode', () => {
  let server: http.Server;
  let base: string;
  const token = `jh_${'d'.repeat(43)}`;
  beforeAll(async () => {
    await ensureConsoleBuild({ say: () => {} });
    const app = express();
    app.use('/console', consoleRouter({ demoToken: token }));
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('fills in the token for a loopback browser, in a response no cache keeps', async () => {
    const res = await fetch(`${base}/console/queue`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain(`<meta name="juntos-demo-token" content="${token}" />`);
  });

  it('tells loopback peers from others', () => {
    for (const a of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.5', '192.168.1.2', '::ffff:10.1.1.1', 'fe80::1', '', undefined]) expect(isLoopback(a), String(a)).toBe(false);
  });
});
