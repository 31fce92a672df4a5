import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { execute } from '../api/client';
import { can } from '../api/roles';
import { ReconciliationRuns, StartReconciliation } from '../api/runs';
import { useRole } from '../app/session';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';

const UNFINISHED = ['PENDING', 'RUNNING', 'MERGING'];

/** Reconciliation runs with their counts, refreshed while one is under way; operators can start one. */
export function ReconciliationPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const role = useRole();
  const qc = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['reconciliation-runs', 20],
    queryFn: () => execute(ReconciliationRuns, { first: 20 }),
    refetchInterval: (query) => (query.state.data?.reconciliationRuns.nodes.some((r) => UNFINISHED.includes(r.state)) ? 2000 : false),
  });
  const start = useMutation({
    mutationFn: () => execute(StartReconciliation),
    onSuccess: (r) => {
      setNotice(
        r.startReconciliation.created
          ? t('runs.started', { id: r.startReconciliation.run.id })
          : t('runs.alreadyRunning', { id: r.startReconciliation.run.id }),
      );
      void qc.invalidateQueries({ queryKey: ['reconciliation-runs'] });
    },
  });
  return (
    <Page
      title={t('runs.reconciliationTitle')}
      actions={
        can.operate(role) ? (
          <button type="button" onClick={() => start.mutate()} disabled={start.isPending}>
            {t('runs.startReconciliation')}
          </button>
        ) : null
      }
    >
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {start.error ? <ErrorMessage error={start.error} /> : null}
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.data ? (
        <table className="data">
          <caption className="sr-only">{t('runs.reconciliationTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('runs.run')}</th>
              <th scope="col">{t('runs.state')}</th>
              <th scope="col">{t('runs.trigger')}</th>
              <th scope="col">{t('runs.created')}</th>
              <th scope="col" className="num">
                {t('runs.processed')}
              </th>
              <th scope="col" className="num">
                {t('runs.pairs')}
              </th>
              <th scope="col" className="num">
                {t('runs.autoLinked')}
              </th>
              <th scope="col" className="num">
                {t('runs.newPersons')}
              </th>
              <th scope="col" className="num">
                {t('runs.reviewItems')}
              </th>
              <th scope="col" className="num">
                {t('runs.merges')}
              </th>
              <th scope="col" className="num">
                {t('runs.attempts')}
              </th>
            </tr>
          </thead>
          <tbody>
            {q.data.reconciliationRuns.nodes.map((r) => (
              <tr key={r.id}>
                <td>#{r.id}</td>
                <td>
                  {t(`runStates.${r.state}`)}
                  {r.breakerTripped ? <span className="tag warn">{t('runs.breaker')}</span> : null}
                  {r.failureReason ? <div className="help">{r.failureReason}</div> : null}
                </td>
                <td>{r.importRunId ? t('runs.byImport', { id: r.importRunId }) : t(`triggers.${r.trigger}`, { defaultValue: r.trigger })}</td>
                <td>{f.dateTime(r.createdAt)}</td>
                <td className="num">
                  {f.number(r.processed)} / {f.number(r.recordsPending)}
                </td>
                <td className="num">{f.number(r.pairsCompared)}</td>
                <td className="num">{f.number(r.autoLinked)}</td>
                <td className="num">{f.number(r.newPersons)}</td>
                <td className="num">{f.number(r.reviewItems)}</td>
                <td className="num">
                  {f.number(r.mergesApplied)} / {f.number(r.mergesProposed)}
                </td>
                <td className="num">{r.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="help">{t('runs.schedulesMissing')}</p>
    </Page>
  );
}
