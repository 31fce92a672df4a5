import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Request, Response } from 'express';
import type { App } from '../app';
import { bearerToken } from '../access';
import { CRUCE_ROLES } from '../cruce';

const TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/**
 * GET /cruce/:id/respuesta.(csv|xlsx): a run's answer file, for the client that ran it (or an
 * admin), with the same bearer token as /graphql. Not found and not yours answer the same 404.
 * Every download is audited; the file is never cached.
 */
export function cruceDownloadRoute(app: App) {
  return async (req: Request, res: Response) => {
    const file = String(req.params.file);
    if (file !== 'respuesta.csv' && file !== 'respuesta.xlsx') return void res.status(404).json({ error: 'NOT_FOUND' });
    const format = file.slice('respuesta.'.length) as keyof typeof TYPES;
    const token = bearerToken(req.headers.authorization);
    const principal = token ? await app.services.clients.authenticate(`Bearer ${token}`) : null;
    if (!principal) return void res.status(401).json({ error: 'UNAUTHENTICATED' });
    if (!CRUCE_ROLES.includes(principal.role)) return void res.status(403).json({ error: 'FORBIDDEN' });
    const service = app.services.cruce;
    const run = await service.byPublicId(String(req.params.id));
    const access = { actor: principal.actor, role: principal.role, scope: principal.scope, clientId: principal.clientId };
    const path = run && service.visibleTo(run, access) ? service.outputPath(run, format) : null;
    if (!run || !path || !(await stat(path).catch(() => null))) return void res.status(404).json({ error: 'NOT_FOUND' });
    await service.auditDownload(run, access, format);
    res.setHeader('content-type', TYPES[format]);
    res.setHeader('content-disposition', `attachment; filename="cruce-${run.publicId}.${format}"`);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    createReadStream(path)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
