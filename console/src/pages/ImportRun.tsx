import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Papa from 'papaparse';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { execute } from '../api/client';
import { can } from '../api/roles';
import { ImportRunDetail, ImportRunErrors, RetryImport } from '../api/runs';
import { useRole } from '../app/session';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';
import type { IssueSeverity } from '../gql/graphql';
import { UNFINISHED_IMPORT } from './Imports';

/** Every row error of a run as CSV (line, field, code, severity, message), fetched page by page. */
async function downloadErrors(id: string, fileName: string) {
  const rows: { line: number; field: string; code: string; severity: string; message: string }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await execute(ImportRunErrors, { id, after });
    const errors = page.importRun?.errors;
    if (!errors) break;
    rows.push(...errors.nodes);
    if (!errors.hasNextPage || !errors.endCursor) break;
    after = errors.endCursor;
  }
  // escapeFormulae: a cell starting with = + - @ is not run as a formula by a spreadsheet.
  const csv = Papa.unparse(rows, { columns: ['line', 'field', 'code', 'severity', 'message'], escapeFormulae: true });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `errores-${id}-${fileName.replace(/[^\w.-]+/g, '_')}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One import run: live progress, counts, error counts by code and field, the row errors, retry. */
export function ImportRunPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const role = useRole();
  const qc = useQueryClient();
  const [severity, setSeverity] = useState<IssueSeverity | ''>('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [downloading, setDownloading] = useState(false);
  const after = cursors[cursors.length - 1];
  const q = useQuery({
    queryKey: ['import-run', id, severity, after],
    queryFn: () => execute(ImportRunDetail, { id, after, severity: severity || undefined }),
    refetchInterval: (query) => (query.state.data?.importRun && UNFINISHED_IMPORT.includes(query.state.data.importRun.state) ? 1500 : false),
  });
  const retry = useMutation({
    mutationFn: () => execute(RetryImport, { id }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['import-run', id] }),
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const r = q.data.importRun;
  if (!r) {
    return (
      <Page title={t('imports.notFound')}>
        <Link href="/imports">{t('nav.imports')}</Link>
      </Page>
    );
  }
  const facts: [string, string][] = [
    [t('imports.source'), t(`sources.${r.source}`)],
    [t('imports.state'), t(`importStates.${r.state}`)],
    [t('imports.encoding'), r.encoding ?? '—'],
    [t('imports.bytes'), f.number(r.fileBytes)],
    [t('imports.rows'), f.number(r.rowsTotal)],
    [t('imports.loaded'), f.number(r.rowsLoaded)],
    [t('imports.rejected'), f.number(r.rowsRejected)],
    [t('imports.warnings'), f.number(r.rowsWithWarnings)],
    [t('imports.added'), f.number(r.added)],
    [t('imports.changed'), f.number(r.changed)],
    [t('imports.disappeared'), f.number(r.disappeared)],
    [t('imports.unchanged'), f.number(r.unchanged)],
    [t('imports.errorRate'), f.percent(r.errorRate)],
    [t('runs.attempts'), String(r.attempts)],
    [t('runs.created'), f.dateTime(r.createdAt)],
    [t('runs.finished'), f.dateTime(r.finishedAt)],
  ];
  return (
    <Page
      title={t('imports.runTitle', { id: r.id, file: r.fileName })}
      actions={
        <>
          <Link href="/imports">{t('nav.imports')}</Link>
          {r.state === 'FAILED' && can.operate(role) ? (
            <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
              {t('imports.retry')}
            </button>
          ) : null}
        </>
      }
    >
      {retry.data ? <Notice kind="ok">{t('imports.retried', { state: t(`importStates.${retry.data.retryImportRun.state}`) })}</Notice> : null}
      {retry.error ? <ErrorMessage error={retry.error} /> : null}
      {r.failureCode ? (
        <Notice kind="error">
          {t('imports.failed', { code: r.failureCode })} {r.failureReason}
        </Notice>
      ) : null}
      <p>
        <progress max={1} value={r.progress} aria-label={t('imports.progressOf', { id: r.id })} /> {f.percent(r.progress)} ·{' '}
        {t('imports.chunks', { done: r.chunksDone, total: r.chunksTotal })}
      </p>
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        SHA-256 <code className="hash">{r.sha256}</code>
      </p>

      <section aria-labelledby="counts-h">
        <h2 id="counts-h">{t('imports.errorCounts')}</h2>
        {r.errorCounts.length === 0 ? <p className="muted">{t('imports.noErrors')}</p> : null}
        {r.errorCounts.length ? (
          <table className="data compact">
            <caption className="sr-only">{t('imports.errorCounts')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imports.code')}</th>
                <th scope="col">{t('imports.field')}</th>
                <th scope="col">{t('imports.severity')}</th>
                <th scope="col" className="num">
                  {t('imports.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {r.errorCounts.map((c) => (
                <tr key={`${c.code}-${c.field}-${c.severity}`}>
                  <td>
                    <code>{c.code}</code>
                  </td>
                  <td>{c.field}</td>
                  <td>{t(`severities.${c.severity}`)}</td>
                  <td className="num">{f.number(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section aria-labelledby="rows-h">
        <h2 id="rows-h">{t('imports.rowErrors')}</h2>
        <div className="toolbar">
          <label htmlFor="sev">{t('imports.severity')}</label>
          <select
            id="sev"
            value={severity}
            onChange={(e) => {
              setSeverity(e.target.value as IssueSeverity | '');
              setCursors([undefined]);
            }}
          >
            <option value="">{t('imports.allSeverities')}</option>
            <option value="ERROR">{t('severities.ERROR')}</option>
            <option value="WARNING">{t('severities.WARNING')}</option>
          </select>
          <button
            type="button"
            disabled={downloading || r.errorCounts.length === 0}
            onClick={() => {
              setDownloading(true);
              downloadErrors(r.id, r.fileName).finally(() => setDownloading(false));
            }}
          >
            {downloading ? t('common.wait') : t('imports.download')}
          </button>
        </div>
        {r.errors.nodes.length ? (
          <table className="data" data-testid="row-errors">
            <caption className="sr-only">{t('imports.rowErrors')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('imports.line')}
                </th>
                <th scope="col">{t('imports.field')}</th>
                <th scope="col">{t('imports.code')}</th>
                <th scope="col">{t('imports.severity')}</th>
                <th scope="col">{t('imports.message')}</th>
              </tr>
            </thead>
            <tbody>
              {r.errors.nodes.map((e) => (
                <tr key={e.id}>
                  <td className="num">{e.line}</td>
                  <td>{e.field}</td>
                  <td>
                    <code>{e.code}</code>
                  </td>
                  <td>{t(`severities.${e.severity}`)}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t('imports.noRowErrors')}</p>
        )}
        <div className="toolbar">
          {cursors.length > 1 ? (
            <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('common.previous')}
            </button>
          ) : null}
          {r.errors.hasNextPage && r.errors.endCursor ? (
            <button type="button" onClick={() => setCursors((c) => [...c, r.errors.endCursor ?? undefined])}>
              {t('common.next')}
            </button>
          ) : null}
        </div>
      </section>
    </Page>
  );
}
