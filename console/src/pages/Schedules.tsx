import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { execute } from '../api/client';
import { RunScheduleNow, Schedules } from '../api/ops';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';

/**
 * Operators' schedules (Programación): every job scheduler with its rule, next run and how its
 * last run went; "run now" retries a failed night or takes a late delivery without waiting.
 * Refreshed while a run is waiting or under way.
 */
export function SchedulesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const qc = useQueryClient();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'warn'; text: string } | null>(null);
  const q = useQuery({
    queryKey: ['schedules'],
    queryFn: () => execute(Schedules),
    refetchInterval: (query) => (query.state.data?.schedules.some((s) => s.lastRun && ['WAITING', 'ACTIVE'].includes(s.lastRun.state)) ? 1500 : false),
  });
  const run = useMutation({
    mutationFn: (id: string) => execute(RunScheduleNow, { id }),
    onSuccess: (res, id) => {
      const r = res.runScheduleNow;
      if (r.__typename === 'ScheduleRunQueued') setNotice({ kind: 'ok', text: t('schedules.queued', { id }) });
      else setNotice({ kind: 'warn', text: t('schedules.notFound', { id }) });
      void qc.invalidateQueries({ queryKey: ['schedules'] });
    },
  });
  const rule = (s: { cron?: string | null; timeZone?: string | null; everyMs?: number | null }) =>
    s.cron ? t('schedules.cron', { cron: s.cron, tz: s.timeZone ?? 'UTC' }) : t('schedules.every', { seconds: f.number(Math.round((s.everyMs ?? 0) / 1000)) });
  return (
    <Page title={t('schedules.title')}>
      <p className="help">{t('schedules.intro')}</p>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {run.error ? <ErrorMessage error={run.error} /> : null}
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.data ? (
        <table className="data" data-testid="schedules">
          <caption className="sr-only">{t('schedules.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('schedules.id')}</th>
              <th scope="col">{t('schedules.job')}</th>
              <th scope="col">{t('schedules.rule')}</th>
              <th scope="col">{t('schedules.next')}</th>
              <th scope="col">{t('schedules.last')}</th>
              <th scope="col">{t('schedules.outcome')}</th>
              <th scope="col">
                <span className="sr-only">{t('schedules.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {q.data.schedules.map((s) => (
              <tr key={s.id} id={`schedule-${s.id}`}>
                <th scope="row">
                  <code>{s.id}</code>
                </th>
                <td>{t(`schedules.jobs.${s.jobName}`, { defaultValue: s.jobName })}</td>
                <td>{rule(s)}</td>
                <td>
                  {s.nextRunAt ? f.dateTime(s.nextRunAt) : '—'}
                  {!s.live ? <span className="tag">{t('schedules.notLive')}</span> : null}
                </td>
                <td>
                  {s.lastRun
                    ? `${f.dateTime(s.lastRun.finishedAt ?? s.lastRun.startedAt ?? s.lastRun.at)} · ${t(s.lastRun.manual ? 'schedules.manual' : 'schedules.scheduled')}`
                    : t('schedules.never')}
                </td>
                <td data-testid={`outcome-${s.id}`}>
                  {s.lastRun ? (
                    <>
                      <span className={`state state-${s.lastRun.state.toLowerCase()}`}>{t(`schedules.states.${s.lastRun.state}`)}</span>
                      {s.lastRun.attempts > 1 ? ` · ${t('schedules.attempts', { count: s.lastRun.attempts })}` : ''}
                      {s.lastRun.failedReason ? <div className="muted">{s.lastRun.failedReason}</div> : null}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    onClick={() => run.mutate(s.id)}
                    disabled={run.isPending}
                    aria-label={t(s.lastRun?.state === 'FAILED' ? 'schedules.retryItem' : 'schedules.runNowItem', { id: s.id })}
                  >
                    {s.lastRun?.state === 'FAILED' ? t('schedules.retry') : t('schedules.runNow')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
