import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { execute } from '../api/client';
import { can } from '../api/roles';
import { ImportRuns, StartImport } from '../api/runs';
import { useRole } from '../app/session';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';
import type { ImportState, Source } from '../gql/graphql';

export const UNFINISHED_IMPORT: ImportState[] = ['RECEIVED', 'PARSING', 'STAGED', 'APPLIED'];
const SOURCES: Source[] = ['SISBEN', 'BDUA', 'RUAF', 'RUV', 'SISBEN_HOGARES', 'OFERTA'];
const STATES: ImportState[] = ['RECEIVED', 'PARSING', 'STAGED', 'APPLIED', 'DONE', 'FAILED'];

/** Import runs with live progress (polled while one is unfinished), counts, and a way to start one. */
export function ImportsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const role = useRole();
  const qc = useQueryClient();
  const [source, setSource] = useState<Source | ''>('');
  const [state, setState] = useState<ImportState | ''>('');
  const [path, setPath] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['import-runs', source, state],
    queryFn: () => execute(ImportRuns, { first: 50, source: source || undefined, state: state || undefined }),
    refetchInterval: (query) => (query.state.data?.importRuns.nodes.some((r) => UNFINISHED_IMPORT.includes(r.state)) ? 1500 : false),
  });
  const start = useMutation({
    mutationFn: () => execute(StartImport, { path: path.trim() }),
    onSuccess: (r) => {
      setNotice(r.startImport.created ? t('imports.started', { id: r.startImport.run.id }) : t('imports.sameBytes', { id: r.startImport.run.id }));
      setPath('');
      void qc.invalidateQueries({ queryKey: ['import-runs'] });
    },
  });
  return (
    <Page title={t('imports.title')}>
      <div className="two-col">
        <form className="filters" aria-label={t('imports.filters')} onSubmit={(e) => e.preventDefault()}>
          <div>
            <label htmlFor="i-source">{t('imports.source')}</label>
            <select id="i-source" value={source} onChange={(e) => setSource(e.target.value as Source | '')}>
              <option value="">{t('imports.anySource')}</option>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {t(`sources.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="i-state">{t('imports.state')}</label>
            <select id="i-state" value={state} onChange={(e) => setState(e.target.value as ImportState | '')}>
              <option value="">{t('imports.anyState')}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`importStates.${s}`)}
                </option>
              ))}
            </select>
          </div>
        </form>
        {can.operate(role) ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (path.trim()) start.mutate();
            }}
          >
            <label htmlFor="i-path">{t('imports.path')}</label>
            <input
              id="i-path"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="sisben/personas.txt"
              aria-describedby="i-path-help"
              required
            />
            <button type="submit" disabled={start.isPending}>
              {t('imports.start')}
            </button>
            <span id="i-path-help" className="help">
              {t('imports.pathHelp')}
            </span>
          </form>
        ) : null}
      </div>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {start.error ? <ErrorMessage error={start.error} /> : null}
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.data ? (
        <table className="data">
          <caption className="sr-only">{t('imports.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('runs.run')}</th>
              <th scope="col">{t('imports.source')}</th>
              <th scope="col">{t('imports.file')}</th>
              <th scope="col">{t('imports.state')}</th>
              <th scope="col">{t('imports.progress')}</th>
              <th scope="col" className="num">
                {t('imports.loaded')}
              </th>
              <th scope="col" className="num">
                {t('imports.rejected')}
              </th>
              <th scope="col" className="num">
                {t('imports.diff')}
              </th>
              <th scope="col">{t('runs.created')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.importRuns.nodes.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={`/imports/${r.id}`} aria-label={t('imports.openRun', { id: r.id })}>
                    #{r.id}
                  </Link>
                </td>
                <td>{t(`sources.${r.source}`)}</td>
                <td className="file">{r.fileName}</td>
                <td>
                  {t(`importStates.${r.state}`)}
                  {r.failureCode ? <div className="help">{r.failureCode}</div> : null}
                </td>
                <td>
                  <progress max={1} value={r.progress} aria-label={t('imports.progressOf', { id: r.id })} /> {f.percent(r.progress)}
                </td>
                <td className="num">
                  {f.number(r.rowsLoaded)} / {f.number(r.rowsTotal)}
                </td>
                <td className="num">{f.number(r.rowsRejected)}</td>
                <td className="num">
                  {t('imports.diffValue', { added: f.number(r.added), changed: f.number(r.changed), disappeared: f.number(r.disappeared) })}
                </td>
                <td>{f.dateTime(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
