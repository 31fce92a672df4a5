import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { execute } from '../api/client';
import { ReconciliationRuns } from '../api/runs';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Page } from '../components/Page';
import { PrecisionChart } from '../components/PrecisionChart';

/** Measured precision of automatic links per reconciliation run (stewards' verdicts on the audit sample). */
export function PrecisionPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const q = useQuery({ queryKey: ['reconciliation-runs', 50], queryFn: () => execute(ReconciliationRuns, { first: 50 }) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const runs = [...q.data.reconciliationRuns.nodes].reverse().filter((r) => r.measuredPrecision.sampled > 0);
  return (
    <Page title={t('precision.title')}>
      <p>{t('precision.intro')}</p>
      {runs.length === 0 ? (
        <p>{t('precision.none')}</p>
      ) : (
        <>
          <PrecisionChart
            points={runs.map((r) => ({
              runId: r.id,
              precision: r.measuredPrecision.precision ?? null,
              lowerBound: r.measuredPrecision.lowerBound ?? null,
              confirmed: r.measuredPrecision.confirmed,
              rejected: r.measuredPrecision.rejected,
              pending: r.measuredPrecision.pending,
            }))}
          />
          <table className="data">
            <caption>{t('precision.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('runs.run')}</th>
                <th scope="col">{t('runs.finished')}</th>
                <th scope="col" className="num">
                  {t('precision.autoLinked')}
                </th>
                <th scope="col" className="num">
                  {t('precision.sampled')}
                </th>
                <th scope="col" className="num">
                  {t('precision.confirmed')}
                </th>
                <th scope="col" className="num">
                  {t('precision.rejected')}
                </th>
                <th scope="col" className="num">
                  {t('precision.pending')}
                </th>
                <th scope="col" className="num">
                  {t('precision.precision')}
                </th>
                <th scope="col" className="num">
                  {t('precision.lowerBound')}
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>#{r.id}</td>
                  <td>{f.dateTime(r.finishedAt)}</td>
                  <td className="num">{f.number(r.autoLinked)}</td>
                  <td className="num">{r.measuredPrecision.sampled}</td>
                  <td className="num">{r.measuredPrecision.confirmed}</td>
                  <td className="num">{r.measuredPrecision.rejected}</td>
                  <td className="num">{r.measuredPrecision.pending}</td>
                  <td className="num">{f.percent(r.measuredPrecision.precision)}</td>
                  <td className="num">{f.percent(r.measuredPrecision.lowerBound)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
