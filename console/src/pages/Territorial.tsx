import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { execute } from '../api/client';
import { LogroCatalogue, TerritorialReportQuery } from '../api/ops';
import { GapChart } from '../components/GapChart';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Page } from '../components/Page';
import type { TerritoryLevel } from '../gql/graphql';

const shown = (c: { value?: number | null; suppressed: boolean }) => (c.suppressed ? null : (c.value ?? 0));

/**
 * The territorial report of the Logros Básicos: per territory and logro, households POR ALCANZAR
 * (demand) against cupos of the local offer (supply) and the gap, as one chart per logro and the
 * table behind it. Figures below the disclosure threshold stay suppressed for readers.
 */
export function TerritorialPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [draft, setDraft] = useState<{ level: TerritoryLevel; department: string }>({ level: 'MUNICIPALITY', department: '' });
  const [filters, setFilters] = useState(draft);
  const catalogue = useQuery({ queryKey: ['logro-catalogue'], queryFn: () => execute(LogroCatalogue), staleTime: Infinity });
  const q = useQuery({
    queryKey: ['territorial', filters],
    queryFn: () => execute(TerritorialReportQuery, { level: filters.level, department: filters.department || undefined }),
  });
  const text = useMemo(() => new Map(catalogue.data?.logroDimensions.flatMap((d) => d.logros.map((l) => [l.id, l.text])) ?? []), [catalogue.data]);
  const byLogro = useMemo(() => {
    const m = new Map<number, NonNullable<typeof q.data>['territorialReport']['lines']>();
    for (const l of q.data?.territorialReport.lines ?? []) m.set(l.logroId, [...(m.get(l.logroId) ?? []), l]);
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  }, [q.data]);
  const territory = (l: { municipality?: { name: string; code: string } | null; department?: { name: string; code: string } | null }) =>
    l.municipality
      ? `${l.municipality.name} (${l.municipality.code})`
      : l.department
        ? `${l.department.name} (${l.department.code})`
        : t('territorial.national');

  return (
    <Page title={t('territorial.title')}>
      <p className="help">{t('territorial.intro')}</p>
      <form
        className="filters"
        aria-label={t('territorial.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <div>
          <label htmlFor="t-level">{t('territorial.level')}</label>
          <select id="t-level" value={draft.level} onChange={(e) => setDraft({ ...draft, level: e.target.value as TerritoryLevel })}>
            {(['MUNICIPALITY', 'DEPARTMENT', 'NATIONAL'] as const).map((l) => (
              <option key={l} value={l}>
                {t(`territorial.levels.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="t-dep">{t('territorial.department')}</label>
          <input
            id="t-dep"
            inputMode="numeric"
            pattern="\d{2}"
            placeholder="05"
            value={draft.department}
            onChange={(e) => setDraft({ ...draft, department: e.target.value.trim() })}
            aria-describedby="t-dep-help"
          />
          <span id="t-dep-help" className="help">
            {t('territorial.departmentHelp')}
          </span>
        </div>
        <div className="filter-buttons">
          <button type="submit" className="primary">
            {t('territorial.apply')}
          </button>
        </div>
      </form>
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.data?.territorialReport.disclosureThreshold != null ? (
        <p className="help">{t('territorial.disclosure', { n: q.data.territorialReport.disclosureThreshold })}</p>
      ) : null}
      {q.data && !byLogro.length ? <p>{t('territorial.empty')}</p> : null}
      {byLogro.map(([logroId, lines]) => {
        const title = t('territorial.chartTitle', { id: logroId, text: text.get(logroId) ?? '' });
        return (
          <section key={logroId} aria-labelledby={`lb-${logroId}`} className="report-logro">
            <h2 id={`lb-${logroId}`}>{t('territorial.logroHeading', { id: logroId })}</h2>
            <GapChart title={title} points={lines.map((l) => ({ label: territory(l), demand: shown(l.demand), supply: l.supply, gap: shown(l.gap) }))} />
            <table className="data" data-testid={`report-${logroId}`}>
              <caption className="sr-only">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('territorial.territory')}</th>
                  <th scope="col" className="num">
                    {t('territorial.demand')}
                  </th>
                  <th scope="col" className="num">
                    {t('territorial.supply')}
                  </th>
                  <th scope="col" className="num">
                    {t('territorial.gap')}
                  </th>
                  <th scope="col" className="num">
                    {t('territorial.reached')}
                  </th>
                  <th scope="col" className="num">
                    {t('territorial.withoutData')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={territory(l)}>
                    <th scope="row">{territory(l)}</th>
                    <td className="num">{l.demand.suppressed ? t('territorial.suppressed') : f.number(l.demand.value)}</td>
                    <td className="num">{f.number(l.supply)}</td>
                    <td className="num">{l.gap.suppressed ? t('territorial.suppressed') : f.number(l.gap.value)}</td>
                    <td className="num">{l.reached.suppressed ? t('territorial.suppressed') : f.number(l.reached.value)}</td>
                    <td className="num">{l.withoutData.suppressed ? t('territorial.suppressed') : f.number(l.withoutData.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </Page>
  );
}
