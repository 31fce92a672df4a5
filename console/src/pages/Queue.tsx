import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { execute } from '../api/client';
import { ClaimItem, REASONS, ReleaseItem, ReviewCountsQuery, ReviewQueue } from '../api/review';
import { useShortcuts } from '../app/keys';
import { DEFAULT_FILTERS, useQueueState, type QueueFilters } from '../app/queueState';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';
import { graphql } from '../gql';
import type { ReviewQueueQuery, ReviewReason, ReviewStatus } from '../gql/graphql';

type Item = ReviewQueueQuery['reviewItems']['nodes'][number];

const Municipalities = graphql(`
  query Municipalities {
    municipalities {
      code
      name
      department {
        name
      }
    }
  }
`);

const PAGE = 100;

/** A score band as the API's filter (probabilities; bands meet without overlapping). */
function bandFilter(band: QueueFilters['scoreBand']): { minScore?: number; maxScore?: number; hasScore?: boolean } {
  switch (band) {
    case 'high':
      return { minScore: 0.9 };
    case 'mid':
      return { minScore: 0.5, maxScore: 0.8999999 };
    case 'low':
      return { maxScore: 0.4999999, hasScore: true };
    case 'none':
      return { hasScore: false };
    default:
      return {};
  }
}

/** The steward's queue: filters (reason, municipality, score band, age, status), counts, claim and release. */
export function QueuePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const { filters, setFilters, setOrder, mine, setMine } = useQueueState();
  const [draft, setDraft] = useState(filters);
  const [selected, setSelected] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'warn'; text: string } | null>(null);

  // The age cut-off is fixed when the filters are applied (a moving "now" would refetch on every render).
  const vars = useMemo(
    () => ({
      reason: filters.reason ? [filters.reason as ReviewReason] : undefined,
      municipality: filters.municipality || undefined,
      status: filters.status === 'queue' ? undefined : ([filters.status] as ReviewStatus[]),
      ...bandFilter(filters.scoreBand),
      raisedBefore: filters.age === 'all' ? undefined : new Date(Date.now() - Number(filters.age) * 86_400_000).toISOString(),
    }),
    [filters],
  );
  const queue = useInfiniteQuery({
    queryKey: ['queue', vars],
    queryFn: ({ pageParam }) => execute(ReviewQueue, { first: PAGE, after: pageParam, ...vars }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.reviewItems.hasNextPage ? (last.reviewItems.endCursor ?? undefined) : undefined),
  });
  const municipalities = useQuery({ queryKey: ['municipalities'], queryFn: () => execute(Municipalities), staleTime: Infinity });
  const munName = useMemo(
    () => new Map(municipalities.data?.municipalities.map((m) => [m.code, `${m.name} (${m.department.name})`]) ?? []),
    [municipalities.data],
  );

  const items: Item[] = useMemo(() => queue.data?.pages.flatMap((p) => p.reviewItems.nodes) ?? [], [queue.data]);
  const more = queue.hasNextPage;
  const total = queue.data?.pages[0]?.reviewItems.totalCount ?? 0;
  const reviewCounts = useQuery({
    queryKey: ['queue', 'counts', vars.municipality, vars.status],
    queryFn: () => execute(ReviewCountsQuery, { municipality: vars.municipality, status: vars.status }),
  });
  const counts = useMemo(() => new Map(reviewCounts.data?.reviewCounts.byReason.map((r) => [r.reason, r.count]) ?? []), [reviewCounts.data]);

  useEffect(() => setOrder(items.map((i) => i.id)), [items, setOrder]);
  useEffect(() => setSelected((s) => Math.min(s, Math.max(items.length - 1, 0))), [items.length]);

  const claim = useMutation({
    mutationFn: (id: string) => execute(ClaimItem, { id }),
    onSuccess: (res, id) => {
      const r = res.claimReviewItem;
      if (r.__typename === 'ReviewItemClaimed') {
        setMine(id, r.claimedUntil);
        qc.setQueryData(['review', id], { reviewItem: r.item });
        setMessage({ kind: 'ok', text: t('queue.claimed', { id, until: f.dateTime(r.claimedUntil) }) });
      } else setMessage({ kind: 'warn', text: t(`results.${r.__typename}`) });
      void qc.invalidateQueries({ queryKey: ['queue'] });
    },
  });
  const release = useMutation({
    mutationFn: (id: string) => execute(ReleaseItem, { id }),
    onSuccess: (res, id) => {
      const r = res.releaseReviewItem;
      if (r.__typename === 'ReviewItemReleased') {
        setMine(id, null);
        setMessage({ kind: 'ok', text: t('queue.released', { id }) });
      } else setMessage({ kind: 'warn', text: t(`results.${r.__typename}`) });
      void qc.invalidateQueries({ queryKey: ['queue'] });
    },
  });

  const current = items[selected];
  useShortcuts({
    j: () => setSelected((s) => Math.min(s + 1, items.length - 1)),
    k: () => setSelected((s) => Math.max(s - 1, 0)),
    o: () => current && navigate(`/review/${current.id}`),
    c: () => current && claim.mutate(current.id),
    u: () => current && release.mutate(current.id),
  });
  useEffect(() => {
    if (current) document.getElementById(`item-${current.id}`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    setFilters(draft);
    setSelected(0);
  };

  return (
    <Page title={t('queue.title')}>
      <form className="filters" onSubmit={apply} aria-label={t('queue.filters')}>
        <div>
          <label htmlFor="f-reason">{t('queue.reason')}</label>
          <select id="f-reason" value={draft.reason} onChange={(e) => setDraft({ ...draft, reason: e.target.value })}>
            <option value="">{t('queue.anyReason')}</option>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`reasons.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-mun">{t('queue.municipality')}</label>
          <input
            id="f-mun"
            list="municipality-list"
            inputMode="numeric"
            pattern="\d{5}"
            placeholder="05001"
            aria-describedby="f-mun-help"
            value={draft.municipality}
            onChange={(e) => setDraft({ ...draft, municipality: e.target.value.trim() })}
          />
          <span id="f-mun-help" className="help">
            {draft.municipality && munName.get(draft.municipality) ? munName.get(draft.municipality) : t('queue.municipalityHelp')}
          </span>
          <datalist id="municipality-list">
            {municipalities.data?.municipalities.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name} ({m.department.name})
              </option>
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="f-score">{t('queue.scoreBand')}</label>
          <select id="f-score" value={draft.scoreBand} onChange={(e) => setDraft({ ...draft, scoreBand: e.target.value as QueueFilters['scoreBand'] })}>
            {(['all', 'high', 'mid', 'low', 'none'] as const).map((b) => (
              <option key={b} value={b}>
                {t(`queue.bands.${b}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-age">{t('queue.age')}</label>
          <select id="f-age" value={draft.age} onChange={(e) => setDraft({ ...draft, age: e.target.value as QueueFilters['age'] })}>
            {(['all', '1', '7', '30'] as const).map((a) => (
              <option key={a} value={a}>
                {t(`queue.ages.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-status">{t('queue.status')}</label>
          <select id="f-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value as QueueFilters['status'] })}>
            {(['queue', 'OPEN', 'DEFERRED', 'DECIDED'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`queue.statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-buttons">
          <button type="submit" className="primary">
            {t('queue.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(DEFAULT_FILTERS);
              setFilters(DEFAULT_FILTERS);
            }}
          >
            {t('queue.reset')}
          </button>
        </div>
      </form>

      <section aria-labelledby="counts-h" className="counts">
        <h2 id="counts-h" className="sr-only">
          {t('queue.counts')}
        </h2>
        <p data-testid="queue-total">
          {t('queue.total', { count: total, label: f.number(total) })}
          {more ? ` ${t('queue.countsShown', { shown: f.number(items.length) })}` : ''}
        </p>
        <p className="help">{t('queue.byReasonIntro')}</p>
        <ul className="chips" data-testid="reason-counts">
          {REASONS.filter((r) => counts.get(r)).map((r) => (
            <li key={r}>
              <button
                type="button"
                className="link-button"
                aria-pressed={filters.reason === r}
                onClick={() => {
                  const next = { ...filters, reason: filters.reason === r ? '' : r };
                  setDraft(next);
                  setFilters(next);
                  setSelected(0);
                }}
              >
                {t(`reasons.${r}`)}: <strong>{f.number(counts.get(r) ?? 0)}</strong>
              </button>
            </li>
          ))}
        </ul>
      </section>

      {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
      {queue.isPending ? <Loading /> : null}
      {queue.error ? <ErrorMessage error={queue.error} /> : null}
      {claim.error ? <ErrorMessage error={claim.error} /> : null}

      {queue.data && items.length === 0 ? <p>{t('queue.empty')}</p> : null}
      {items.length ? (
        <table className="data">
          <caption className="sr-only">{t('queue.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('queue.item')}</th>
              <th scope="col">{t('queue.reason')}</th>
              <th scope="col">{t('queue.persons')}</th>
              <th scope="col" className="num">
                {t('queue.score')}
              </th>
              <th scope="col">{t('queue.municipality')}</th>
              <th scope="col">{t('queue.raised')}</th>
              <th scope="col">{t('queue.claim')}</th>
              <th scope="col">
                <span className="sr-only">{t('queue.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((i, idx) => {
              const claimedByMe = mine[i.id] && i.claimedUntil && Date.parse(i.claimedUntil) > Date.now();
              const claimed = i.claimedUntil && Date.parse(i.claimedUntil) > Date.now();
              return (
                <tr key={i.id} id={`item-${i.id}`} className={idx === selected ? 'selected' : undefined}>
                  <td>
                    <Link href={`/review/${i.id}`}>#{i.id}</Link>
                  </td>
                  <td>
                    {t(`reasons.${i.reason}`)}
                    {i.status === 'DEFERRED' ? <span className="tag">{t('statuses.DEFERRED')}</span> : null}
                  </td>
                  <td>
                    {i.personA?.fullName ?? '—'}
                    {i.personB ? (
                      <>
                        {' '}
                        <span aria-hidden="true">↔</span> <span className="sr-only">{t('queue.and')}</span> {i.personB.fullName}
                      </>
                    ) : i.record ? (
                      <span className="muted"> · {t(`sources.${i.record.source}`)}</span>
                    ) : null}
                  </td>
                  <td className="num">{f.probability(i.score)}</td>
                  <td>{i.municipalityCode ? (munName.get(i.municipalityCode) ?? i.municipalityCode) : '—'}</td>
                  <td>
                    <time dateTime={i.createdAt} title={f.dateTime(i.createdAt)}>
                      {f.age(i.createdAt)}
                    </time>
                  </td>
                  <td>
                    {claimedByMe ? t('queue.claimedByMe') : claimed ? t('queue.claimedByOther', { until: f.dateTime(i.claimedUntil) }) : t('queue.unclaimed')}
                  </td>
                  <td className="row-actions">
                    {claimedByMe ? (
                      <button type="button" onClick={() => release.mutate(i.id)} aria-label={t('queue.releaseItem', { id: i.id })}>
                        {t('queue.release')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        onClick={() => claim.mutate(i.id)}
                        aria-label={t('queue.claimItem', { id: i.id })}
                        disabled={i.status === 'DECIDED'}
                      >
                        {t('queue.claimAction')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {more ? (
        <button type="button" onClick={() => void queue.fetchNextPage()} disabled={queue.isFetchingNextPage}>
          {t('queue.loadMore')}
        </button>
      ) : null}
      <p className="help">{t('queue.shortcuts')}</p>
    </Page>
  );
}
