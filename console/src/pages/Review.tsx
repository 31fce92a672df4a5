import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { execute } from '../api/client';
import { ReviewItemDetail } from '../api/person';
import { ClaimItem, DecideItem, ReleaseItem, Unmerge } from '../api/review';
import { useShortcuts } from '../app/keys';
import { nextInQueue, useQueueState } from '../app/queueState';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';
import { Waterfall } from '../components/Waterfall';
import type { ReviewDecisionKind, SidePersonFragment } from '../gql/graphql';

const DECISIONS: ReviewDecisionKind[] = ['SAME_PERSON', 'DIFFERENT_PERSONS', 'DEFER'];

type Outcome = { kind: 'ok' | 'warn' | 'error'; text: string; mergeId?: string | null; personId?: string | null };

function PersonColumn({
  label,
  person,
  other,
}: {
  label: string;
  person: SidePersonFragment | null | undefined;
  other: SidePersonFragment | null | undefined;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!person) {
    return (
      <section className="side" aria-label={label}>
        <h3>{label}</h3>
        <p className="muted">{t('review.noPerson')}</p>
      </section>
    );
  }
  const differs = (a: unknown, b: unknown) => other != null && (a ?? null) !== (b ?? null);
  const rows: [string, string, boolean][] = [
    [t('fields.fullName'), person.fullName ?? '—', differs(person.fullName, other?.fullName)],
    [t('fields.birthDate'), f.date(person.birthDate), differs(person.birthDate, other?.birthDate)],
    [t('fields.sex'), person.sex ? t(`sex.${person.sex}`) : '—', differs(person.sex, other?.sex)],
    [
      t('fields.municipality'),
      person.municipality ? `${person.municipality.name} (${person.municipality.code})` : '—',
      differs(person.municipality?.code, other?.municipality?.code),
    ],
  ];
  return (
    <section className="side" aria-label={label}>
      <h3>
        {label}: <Link href={`/persons/${person.id}`}>{person.fullName ?? person.id}</Link>
      </h3>
      <dl className="kv">
        {rows.map(([k, v, d]) => (
          <div key={k} className={d ? 'differs' : undefined}>
            <dt>
              {k}
              {d ? (
                <span className="differs-mark">
                  {' '}
                  ≠ <span className="sr-only">{t('review.differs')}</span>
                </span>
              ) : null}
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
        <div>
          <dt>{t('person.documents')}</dt>
          <dd>{person.identifiers.map((i) => `${i.type} ${i.number}`).join(' · ') || '—'}</dd>
        </div>
        <div>
          <dt>{t('person.records')}</dt>
          <dd>
            {person.sourceRecords.map((r) => (
              <span key={r.id} className="record">
                {t(`sources.${r.source}`)} {r.fileName}:{r.line}
              </span>
            ))}
          </dd>
        </div>
      </dl>
      <h4>{t('person.households')}</h4>
      {person.households.length === 0 ? <p className="muted">{t('person.noHouseholds')}</p> : null}
      {person.households.map((m) => (
        <div key={m.household?.id ?? Math.random()} className="household">
          <p>
            {m.household?.municipality.name} · {m.household?.zone ? t(`zones.${m.household.zone}`) : ''}{' '}
            {m.household?.sisbenGroup ? `· Sisbén ${m.household.sisbenGroup}` : ''} · {m.role?.label}
            {m.validTo ? ` · ${t('person.until', { date: f.date(m.validTo) })}` : ''}
          </p>
          <ul className="members">
            {m.household?.members.map((mem, i) => (
              <li key={mem.person?.id ?? i} className={mem.person?.id === person.id ? 'self' : undefined}>
                {mem.order}. {mem.person ? <Link href={`/persons/${mem.person.id}`}>{mem.person.fullName}</Link> : t('person.outOfScope')} · {mem.role?.label} ·{' '}
                {f.date(mem.person?.birthDate)}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

/**
 * Side by side: the two records field by field (differences marked), the evidence as a waterfall,
 * both persons with their households, and the decision. Keyboard: c claim, u release, 1/2/3 pick
 * same/different/defer, r reason, Ctrl+Enter decide, n next item, q back to the queue.
 */
export function ReviewPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const { order, mine, setMine } = useQueueState();
  const [decision, setDecision] = useState<ReviewDecisionKind | null>(null);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const q = useQuery({ queryKey: ['review', id], queryFn: () => execute(ReviewItemDetail, { id }) });
  const item = q.data?.reviewItem;
  const next = nextInQueue(order, id);
  const claimedByMe = !!(mine[id] && item?.claimedUntil && Date.parse(item.claimedUntil) > Date.now());
  const claimedByOther = !claimedByMe && !!(item?.claimedUntil && Date.parse(item.claimedUntil) > Date.now());

  const refresh = () => qc.invalidateQueries({ queryKey: ['review', id] });
  const claim = useMutation({
    mutationFn: () => execute(ClaimItem, { id }),
    onSuccess: async (res) => {
      const r = res.claimReviewItem;
      if (r.__typename === 'ReviewItemClaimed') {
        setMine(id, r.claimedUntil);
        setVersion(r.item.version);
        // The claim answers the whole item as of the claim (its persons, comparison, version):
        // what the steward decides on, with no second request.
        qc.setQueryData(['review', id], { reviewItem: r.item });
        setOutcome({ kind: 'ok', text: t('review.claimedUntil', { until: f.dateTime(r.claimedUntil) }) });
      } else {
        setOutcome({ kind: 'warn', text: t(`results.${r.__typename}`) });
        await refresh();
      }
    },
  });
  const release = useMutation({
    mutationFn: () => execute(ReleaseItem, { id }),
    onSuccess: async (res) => {
      const r = res.releaseReviewItem;
      if (r.__typename === 'ReviewItemReleased') {
        setMine(id, null);
        setOutcome({ kind: 'ok', text: t('review.released') });
      } else setOutcome({ kind: 'warn', text: t(`results.${r.__typename}`) });
      await refresh();
    },
  });
  const decide = useMutation({
    mutationFn: (v: { decision: ReviewDecisionKind; reason: string; expectedVersion: number }) => execute(DecideItem, { id, ...v }),
    onSuccess: async (res) => {
      const r = res.decideReviewItem;
      if (r.__typename === 'ReviewDecided') {
        setMine(id, null);
        setOutcome({
          kind: 'ok',
          text: t(`review.decided.${r.decision}`),
          mergeId: r.mergeId,
          personId: r.newPerson?.id ?? r.person?.id,
        });
        setReason('');
        setDecision(null);
      } else setOutcome({ kind: 'warn', text: t(`results.${r.__typename}`) });
      await Promise.all([refresh(), qc.invalidateQueries({ queryKey: ['queue'] })]);
    },
  });
  const undo = useMutation({
    mutationFn: (mergeId: string) => execute(Unmerge, { mergeId, reason: t('review.undoReason', { id }) }),
    onSuccess: async (res) => {
      const r = res.unmerge;
      setOutcome({ kind: r.__typename === 'Unmerged' ? 'ok' : 'warn', text: t(`results.${r.__typename}`) });
      await refresh();
    },
  });

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!decision) {
      setOutcome({ kind: 'warn', text: t('review.pickDecision') });
      return;
    }
    if (!reason.trim()) {
      setOutcome({ kind: 'warn', text: t('review.needReason') });
      reasonRef.current?.focus();
      return;
    }
    // The version the claim returned; the API answers Conflict if anything moved since.
    decide.mutate({ decision, reason: reason.trim(), expectedVersion: version ?? item?.version ?? 0 });
  };

  useShortcuts(
    {
      c: () => claim.mutate(),
      u: () => release.mutate(),
      '1': () => setDecision('SAME_PERSON'),
      '2': () => setDecision('DIFFERENT_PERSONS'),
      '3': () => setDecision('DEFER'),
      r: () => reasonRef.current?.focus(),
      n: () => (next ? navigate(`/review/${next}`) : navigate('/queue')),
      q: () => navigate('/queue'),
    },
    () => submit(),
  );

  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  if (!item) {
    return (
      <Page title={t('review.notFound')}>
        <Link href="/queue">{t('review.backToQueue')}</Link>
      </Page>
    );
  }

  const cmp = item.comparison;
  const open = item.status === 'OPEN' || item.status === 'DEFERRED';
  return (
    <Page
      title={t('review.title', { id: item.id, reason: t(`reasons.${item.reason}`) })}
      actions={
        <>
          <Link href="/queue">{t('review.backToQueue')}</Link>
          {next ? <Link href={`/review/${next}`}>{t('review.next')}</Link> : null}
        </>
      }
    >
      <p className="lead">{t(`reasonQuestions.${item.reason}`)}</p>
      <dl className="facts">
        <div>
          <dt>{t('review.status')}</dt>
          <dd data-testid="item-status">{t(`statuses.${item.status}`)}</dd>
        </div>
        <div>
          <dt>{t('review.scoreWhenRaised')}</dt>
          <dd>{f.probability(item.score)}</dd>
        </div>
        <div>
          <dt>{t('review.raised')}</dt>
          <dd>{f.dateTime(item.createdAt)}</dd>
        </div>
        {item.reconciliationRunId ? (
          <div>
            <dt>{t('review.run')}</dt>
            <dd>#{item.reconciliationRunId}</dd>
          </div>
        ) : null}
      </dl>

      <div className="claim-bar" aria-live="polite">
        {claimedByMe ? (
          <>
            <span>{t('review.claimedUntil', { until: f.dateTime(item.claimedUntil) })}</span>
            <button type="button" onClick={() => release.mutate()} aria-keyshortcuts="u">
              {t('review.release')} <kbd>U</kbd>
            </button>
          </>
        ) : (
          <>
            <span>
              {claimedByOther ? t('review.claimedByOther', { until: f.dateTime(item.claimedUntil) }) : open ? t('review.notClaimed') : t('review.closed')}
            </span>
            {open ? (
              <button type="button" className="primary" onClick={() => claim.mutate()} aria-keyshortcuts="c">
                {t('review.claim')} <kbd>C</kbd>
              </button>
            ) : null}
          </>
        )}
      </div>
      {outcome ? (
        <Notice kind={outcome.kind}>
          <span data-testid="outcome">{outcome.text}</span>{' '}
          {outcome.mergeId ? (
            <button type="button" onClick={() => undo.mutate(outcome.mergeId!)}>
              {t('review.undoMerge')}
            </button>
          ) : null}{' '}
          {outcome.personId ? <Link href={`/persons/${outcome.personId}`}>{t('review.openPerson')}</Link> : null}
        </Notice>
      ) : null}
      {[claim.error, release.error, decide.error, undo.error].filter(Boolean).map((e, i) => (
        <ErrorMessage key={i} error={e} />
      ))}

      {cmp ? (
        <section aria-labelledby="cmp-h">
          <h2 id="cmp-h">{t('review.comparison')}</h2>
          <table className="data comparison">
            <caption className="sr-only">{t('review.comparisonCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('review.field')}</th>
                <th scope="col">
                  {cmp.leftSide ? <span className="side">{t(`review.side${cmp.leftSide}`)} · </span> : null}
                  {cmp.leftRecord ? `${t(`sources.${cmp.leftRecord.source}`)} ${cmp.leftRecord.fileName}:${cmp.leftRecord.line}` : t('review.left')}
                </th>
                <th scope="col">
                  {cmp.rightSide ? <span className="side">{t(`review.side${cmp.rightSide}`)} · </span> : null}
                  {cmp.rightRecord ? `${t(`sources.${cmp.rightRecord.source}`)} ${cmp.rightRecord.fileName}:${cmp.rightRecord.line}` : t('review.right')}
                </th>
                <th scope="col">{t('review.agreement')}</th>
                <th scope="col" className="num">
                  {t('waterfall.bits')}
                </th>
              </tr>
            </thead>
            <tbody>
              {cmp.fields.map((fc) => {
                const left = fc.field === 'document' ? [cmp.leftDocument.type, cmp.leftDocument.number].filter(Boolean).join(' ') : fc.left;
                const right = fc.field === 'document' ? [cmp.rightDocument.type, cmp.rightDocument.number].filter(Boolean).join(' ') : fc.right;
                const differs = (left ?? '') !== (right ?? '');
                return (
                  <tr key={fc.field} className={differs ? 'differs' : undefined} data-differs={differs || undefined}>
                    <th scope="row">
                      {t(`fields.${fc.field}`, { defaultValue: fc.field })}
                      {differs ? (
                        <span className="differs-mark">
                          {' '}
                          ≠ <span className="sr-only">{t('review.differs')}</span>
                        </span>
                      ) : null}
                    </th>
                    <td>{left || '—'}</td>
                    <td>{right || '—'}</td>
                    <td>{fc.description}</td>
                    <td className="num">{f.bits(fc.weight)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="help" data-testid="scored-with">
            {t(cmp.scoredWith === 'RAISING_MODEL' ? 'review.scoredWithRaising' : 'review.scoredWithCurrent', {
              probability: f.probability(cmp.probability),
              model: cmp.modelVersion,
            })}
          </p>
          {cmp.current.modelVersion !== cmp.modelVersion ? (
            <p className="help" data-testid="current-model">
              {t('review.currentView', {
                outcome: t(`outcomes.${cmp.current.outcome}`, { defaultValue: cmp.current.outcome }),
                probability: f.probability(cmp.current.probability),
                model: cmp.current.modelVersion,
              })}
            </p>
          ) : null}
        </section>
      ) : null}

      <div className="two-col">
        {cmp ? (
          <Waterfall
            steps={cmp.fields}
            matchWeight={cmp.matchWeight}
            probability={cmp.probability}
            caption={t('review.waterfallScored', { model: cmp.modelVersion })}
          />
        ) : null}
        {item.explanation ? (
          <section aria-labelledby="expl-h" className="explanation">
            <h2 id="expl-h">{t('review.whenRaised')}</h2>
            <dl className="kv">
              <div>
                <dt>{t('review.tier')}</dt>
                <dd>{item.explanation.tier ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('review.rule')}</dt>
                <dd>{item.explanation.rule ? <code className="reason-code">{item.explanation.rule}</code> : '—'}</dd>
              </div>
              <div>
                <dt>{t('review.probability')}</dt>
                <dd>{f.probability(item.explanation.probability)}</dd>
              </div>
              <div>
                <dt>{t('review.reasons')}</dt>
                <dd>
                  {item.explanation.reasons.map((r) => (
                    <code key={r} className="reason-code">
                      {r}
                    </code>
                  ))}
                </dd>
              </div>
            </dl>
            {item.explanation.contributions.length && item.explanation.matchWeight != null ? (
              <Waterfall
                steps={item.explanation.contributions}
                matchWeight={item.explanation.matchWeight}
                probability={item.explanation.probability ?? 0}
                caption={t('review.waterfallRaised')}
              />
            ) : null}
          </section>
        ) : null}
      </div>

      <h2>{t('review.persons')}</h2>
      <div className="two-col">
        <PersonColumn label={t('review.personA')} person={item.personA} other={item.personB} />
        {item.personB ? (
          <PersonColumn label={t('review.personB')} person={item.personB} other={item.personA} />
        ) : (
          <section className="side">
            <h3>{t('review.record')}</h3>
            <p>{item.record ? `${t(`sources.${item.record.source}`)} ${item.record.fileName}:${item.record.line}` : '—'}</p>
            {item.link ? <p>{t('review.linkedAs', { type: t(`linkTypes.${item.link.linkType}`), score: f.probability(item.link.score) })}</p> : null}
          </section>
        )}
      </div>

      {open ? (
        <form ref={formRef} onSubmit={submit} className="decision" aria-labelledby="decide-h">
          <h2 id="decide-h">{t('review.decide')}</h2>
          <fieldset>
            <legend>{t('review.decision')}</legend>
            {DECISIONS.map((d, i) => (
              <label key={d} className="radio">
                <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} aria-keyshortcuts={String(i + 1)} />
                {t(`decisions.${d}`)} <kbd>{i + 1}</kbd>
                <span className="help"> — {t(`decisionHelp.${d}`)}</span>
              </label>
            ))}
          </fieldset>
          <label htmlFor="reason">
            {t('review.reason')} <kbd>R</kbd>
          </label>
          <textarea
            id="reason"
            ref={reasonRef}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            aria-describedby="reason-help"
            maxLength={2000}
          />
          <p id="reason-help" className="help">
            {t('review.reasonHelp')}
          </p>
          <button type="submit" className="primary" disabled={decide.isPending} aria-keyshortcuts="Control+Enter">
            {t('review.submit')} <kbd>Ctrl+Enter</kbd>
          </button>
        </form>
      ) : null}

      <section aria-labelledby="hist-h">
        <h2 id="hist-h">{t('review.history')}</h2>
        {item.decisions.length === 0 ? <p className="muted">{t('review.noDecisions')}</p> : null}
        <ol className="history">
          {item.decisions.map((d) => (
            <li key={d.id}>
              <strong>{t(`decisions.${d.decision}`)}</strong> · {d.actor} · {f.dateTime(d.decidedAt)} — “{d.reason}”
            </li>
          ))}
        </ol>
      </section>
      <details className="shortcuts">
        <summary>{t('review.shortcutsTitle')}</summary>
        <p>{t('review.shortcuts')}</p>
      </details>
    </Page>
  );
}
