import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { execute } from '../api/client';
import { PersonDetail, PersonHistory, PersonLogros } from '../api/person';
import { Unmerge, UndoRecordMove } from '../api/review';
import { can } from '../api/roles';
import { useRole } from '../app/session';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Notice, Page } from '../components/Page';
import { Waterfall } from '../components/Waterfall';

/** A reason and a submit button: undoing a merge or a record move is audited with the steward's reason. */
function UndoForm({
  inputId,
  label,
  submit,
  undo,
  onDone,
}: {
  inputId: string;
  label: string;
  submit: string;
  undo: (reason: string) => Promise<{ text: string; ok: boolean }>;
  onDone: (text: string, ok: boolean) => void;
}) {
  const [reason, setReason] = useState('');
  const m = useMutation({ mutationFn: () => undo(reason.trim()), onSuccess: (r) => onDone(r.text, r.ok) });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) m.mutate();
      }}
    >
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} />
      <button type="submit" disabled={m.isPending}>
        {submit}
      </button>
      {m.error ? <ErrorMessage error={m.error} /> : null}
    </form>
  );
}

/**
 * A person: the golden record with the provenance of every value (source, file and line, import
 * run, when), what every linked record says, all source records, each link with its explanation,
 * households, merges and record moves (undo), and for stewards the review decisions about the person.
 */
export function PersonPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const role = useRole();
  const qc = useQueryClient();
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [undoing, setUndoing] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['person', id], queryFn: () => execute(PersonDetail, { id }) });
  const history = useQuery({ queryKey: ['person-history', id], queryFn: () => execute(PersonHistory, { id }), enabled: can.review(role) });
  const logros = useQuery({ queryKey: ['person-logros', id], queryFn: () => execute(PersonLogros, { id }) });
  const undone = (text: string, ok: boolean) => {
    setNotice({ text, ok });
    setUndoing(null);
    void qc.invalidateQueries({ queryKey: ['person'] });
    void qc.invalidateQueries({ queryKey: ['person-history'] });
  };

  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const p = q.data.person;
  if (!p) {
    return (
      <Page title={t('person.notFound')}>
        <Link href="/persons">{t('nav.persons')}</Link>
      </Page>
    );
  }
  const golden: Record<string, string> = {
    name: p.fullName ?? '—',
    birthDate: f.date(p.birthDate),
    sex: p.sex ? t(`sex.${p.sex}`) : '—',
    municipality: p.municipality ? `${p.municipality.name}, ${p.municipality.department.name} (${p.municipality.code})` : '—',
  };
  return (
    <Page title={p.fullName ?? t('person.title')}>
      {p.id !== id ? <Notice kind="info">{t('person.redirected', { id })}</Notice> : null}
      {notice ? <Notice kind={notice.ok ? 'ok' : 'warn'}>{notice.text}</Notice> : null}
      <p className="muted">
        {t('person.publicId')}: <code>{p.id}</code>
        {p.mergedFrom.length ? ` · ${t('person.mergedFrom', { ids: p.mergedFrom.join(', ') })}` : ''}
      </p>

      <section aria-labelledby="golden-h">
        <h2 id="golden-h">{t('person.golden')}</h2>
        <table className="data">
          <caption className="sr-only">{t('person.goldenCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('person.attribute')}</th>
              <th scope="col">{t('person.value')}</th>
              <th scope="col">{t('person.source')}</th>
              <th scope="col">{t('person.run')}</th>
              <th scope="col">{t('person.when')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(golden).map(([field, value]) => {
              const prov = p.provenance.find((g) => g.field === field);
              const r = prov?.sourceRecord;
              return (
                <tr key={field}>
                  <th scope="row">{t(`fields.${field}`)}</th>
                  <td>{value}</td>
                  <td>{r ? `${t(`sources.${r.source}`)} · ${r.fileName}:${r.line}` : '—'}</td>
                  <td>{r ? <Link href={`/imports/${r.importRunId}`}>#{r.importRunId}</Link> : '—'}</td>
                  <td>{r ? f.dateTime(r.importedAt) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <dl className="facts">
          <div>
            <dt>{t('person.documents')}</dt>
            <dd>
              {p.identifiers.map((i) => `${i.type} ${i.number}${i.sourceRecord ? ` (${t(`sources.${i.sourceRecord.source}`)})` : ''}`).join(' · ') || '—'}
            </dd>
          </div>
          <div>
            <dt>{t('person.sisben')}</dt>
            <dd>{p.sisbenSubgroup ?? p.sisbenGroup ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('person.health')}</dt>
            <dd>{p.healthState ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('person.victim')}</dt>
            <dd>{p.isVictim ? (p.isDisplaced ? t('person.displaced') : t('common.yes')) : t('common.no')}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="competing-h">
        <h2 id="competing-h">{t('person.competing')}</h2>
        {p.competingValues.map((c) => (
          <div key={c.attribute}>
            <h3>{t(`fields.${c.attribute}`)}</h3>
            <ul className="values">
              {c.values.map((v, i) => (
                <li key={i} className={v.won ? 'won' : undefined}>
                  {v.value ?? '—'} · {t(`sources.${v.source}`)} {v.record ? `${v.record.fileName}:${v.record.line}` : ''}
                  {v.won ? <strong> · {t('person.won')}</strong> : null}
                  {v.recordStatus === 'VANISHED' ? <span className="tag">{t('statuses.VANISHED')}</span> : null}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>

      <section aria-labelledby="links-h">
        <h2 id="links-h">{t('person.links')}</h2>
        {p.links.map((l, i) => (
          <details key={i} className="link">
            <summary>
              {l.record ? `${t(`sources.${l.record.source}`)} ${l.record.fileName}:${l.record.line}` : '—'} · {t(`linkTypes.${l.linkType}`)}
              {l.score != null ? ` · ${f.probability(l.score)}` : ''} · {f.dateTime(l.linkedAt)}
            </summary>
            <p>
              {l.matchedRecord
                ? t('person.matched', { record: `${t(`sources.${l.matchedRecord.source}`)} ${l.matchedRecord.fileName}:${l.matchedRecord.line}` })
                : t('person.noMatched')}
              {l.reconciliationRunId ? ` · ${t('person.byRun', { id: l.reconciliationRunId })}` : ''}
              {l.modelVersion ? ` · ${t('person.model', { version: l.modelVersion })}` : ''}
            </p>
            <p>
              {l.reasons.map((r) => (
                <code key={r} className="reason-code">
                  {r}
                </code>
              ))}
            </p>
            {l.contributions.length && l.matchWeight != null ? (
              <Waterfall steps={l.contributions} matchWeight={l.matchWeight} probability={l.score ?? 0} caption={t('person.linkEvidence')} />
            ) : null}
          </details>
        ))}
      </section>

      <section aria-labelledby="records-h">
        <h2 id="records-h">{t('person.records')}</h2>
        <table className="data">
          <caption className="sr-only">{t('person.records')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('person.source')}</th>
              <th scope="col">{t('person.file')}</th>
              <th scope="col" className="num">
                {t('person.line')}
              </th>
              <th scope="col">{t('person.run')}</th>
              <th scope="col">{t('person.when')}</th>
              <th scope="col">{t('person.recordStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {p.sourceRecords.map((r) => (
              <tr key={r.id}>
                <td>{t(`sources.${r.source}`)}</td>
                <td>{r.fileName}</td>
                <td className="num">{r.line}</td>
                <td>
                  <Link href={`/imports/${r.importRunId}`}>#{r.importRunId}</Link>
                </td>
                <td>{f.dateTime(r.importedAt)}</td>
                <td>{t(`statuses.${r.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="logros-h">
        <h2 id="logros-h">{t('person.logros')}</h2>
        {logros.isPending ? <Loading /> : null}
        {logros.error ? <ErrorMessage error={logros.error} /> : null}
        {logros.data?.person && !logros.data.person.logros.length ? <p>{t('person.noLogros')}</p> : null}
        {logros.data?.person?.logros.length ? (
          <table className="data" data-testid="logros">
            <caption className="sr-only">{t('person.logrosCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('person.logro')}</th>
                <th scope="col">{t('person.logroState')}</th>
                <th scope="col">{t('person.evidence')}</th>
                <th scope="col">{t('person.when')}</th>
              </tr>
            </thead>
            <tbody>
              {logros.data.person.logros.map((l) => (
                <tr key={l.logroId}>
                  <th scope="row">
                    LB {l.logroId}
                    {l.logro ? <div className="muted">{l.logro.text}</div> : null}
                  </th>
                  <td>
                    <span className={`state logro-${l.state.toLowerCase()}`}>{t(`logroStates.${l.state}`)}</span>
                  </td>
                  <td>
                    <code>{l.evidence.reason}</code>
                    {l.evidence.details.length ? ` (${l.evidence.details.join(', ')})` : ''}
                    {l.evidence.sourceRecord ? (
                      <div className="muted">
                        {t(`sources.${l.evidence.sourceRecord.source}`)} · {l.evidence.sourceRecord.fileName}:{l.evidence.sourceRecord.line}
                      </div>
                    ) : null}
                    {l.evidence.run ? <div className="muted">{t('person.logroRun', { id: l.evidence.run.id, rules: l.ruleVersion })}</div> : null}
                  </td>
                  <td>{f.dateTime(l.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section aria-labelledby="hh-h">
        <h2 id="hh-h">{t('person.households')}</h2>
        {p.households.length === 0 ? <p className="muted">{t('person.noHouseholds')}</p> : null}
        {p.households.map((m, i) => (
          <div key={m.household?.id ?? i} className="household">
            <p>
              <strong>{m.household?.municipality.name}</strong> · {m.household?.zone ? t(`zones.${m.household.zone}`) : ''} ·{' '}
              {m.household?.sisbenSubgroup ?? ''} · {m.role?.label}
              {m.validTo ? ` · ${t('person.until', { date: f.date(m.validTo) })}` : ` · ${t('person.current')}`}
            </p>
            <ul className="members">
              {m.household?.members.map((mem, j) => (
                <li key={mem.person?.id ?? j} className={mem.person?.id === p.id ? 'self' : undefined}>
                  {mem.order}. {mem.person ? <Link href={`/persons/${mem.person.id}`}>{mem.person.fullName}</Link> : t('person.outOfScope')} · {mem.role?.label}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>

      <section aria-labelledby="merges-h">
        <h2 id="merges-h">{t('person.merges')}</h2>
        {p.merges.length === 0 ? <p className="muted">{t('person.noMerges')}</p> : null}
        <ul className="history">
          {p.merges.map((m) => {
            // Who merged and undid are stewards' notes (the API refuses them to readers): from PersonHistory.
            const notes = history.data?.person?.merges.find((n) => n.id === m.id);
            return (
              <li key={m.id}>
                {t(notes ? 'person.mergeLine' : 'person.mergeLineNoActor', {
                  id: m.mergedPersonId,
                  kind: t(`mergeKinds.${m.kind}`, { defaultValue: m.kind }),
                  actor: notes?.actor ?? '',
                  when: f.dateTime(m.mergedAt),
                  records: m.movedRecords,
                })}
                {m.undoneAt ? (
                  <span className="tag">
                    {notes
                      ? t('person.undone', { when: f.dateTime(m.undoneAt), by: notes.undoneBy ?? '' })
                      : t('person.undoneNoActor', { when: f.dateTime(m.undoneAt) })}
                  </span>
                ) : can.review(role) ? (
                  undoing === `merge-${m.id}` ? (
                    <UndoForm
                      inputId={`undo-${m.id}`}
                      label={t('person.undoReason')}
                      submit={t('person.undo')}
                      undo={async (reason) => {
                        const r = (await execute(Unmerge, { mergeId: m.id, reason })).unmerge;
                        return { text: t(`results.${r.__typename}`), ok: r.__typename === 'Unmerged' };
                      }}
                      onDone={undone}
                    />
                  ) : (
                    <button type="button" onClick={() => setUndoing(`merge-${m.id}`)}>
                      {t('person.undoMerge')}
                    </button>
                  )
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="moves-h">
        <h2 id="moves-h">{t('person.moves')}</h2>
        {p.recordMoves.length === 0 ? <p className="muted">{t('person.noMoves')}</p> : null}
        <ul className="history">
          {p.recordMoves.map((mv) => {
            // Who undid it and why are stewards' notes (the API refuses them to readers): from PersonHistory.
            const notes = history.data?.person?.recordMoves.find((n) => n.id === mv.id);
            const r = mv.record;
            const incoming = mv.toPersonId === p.id;
            const other = incoming ? mv.fromPersonId : mv.toPersonId;
            return (
              <li key={mv.id}>
                {t(incoming ? 'person.moveIn' : 'person.moveOut', {
                  record: r ? `${t(`sources.${r.source}`)} · ${r.fileName}:${r.line}` : '—',
                  other,
                  kind: t(`moveKinds.${mv.kind}`, { defaultValue: mv.kind }),
                  when: f.dateTime(mv.movedAt),
                })}
                {mv.rule ? ` · ${t('person.moveRule', { rule: mv.rule })}` : ''}
                {mv.reconciliationRunId ? ` · ${t('person.byRun', { id: mv.reconciliationRunId })}` : ''} ·{' '}
                <Link href={`/persons/${other}`}>{t('person.openOther')}</Link>{' '}
                {mv.undoneAt ? (
                  <span className="tag">
                    {notes?.undoneBy
                      ? t('person.moveUndone', { when: f.dateTime(mv.undoneAt), by: notes.undoneBy })
                      : t('person.moveUndoneNoActor', { when: f.dateTime(mv.undoneAt) })}
                    {notes?.undoReason ? ` — “${notes.undoReason}”` : ''}
                  </span>
                ) : can.review(role) ? (
                  undoing === `move-${mv.id}` ? (
                    <UndoForm
                      inputId={`undo-move-${mv.id}`}
                      label={t('person.undoMoveReason')}
                      submit={t('person.undoMoveSubmit')}
                      undo={async (reason) => {
                        const u = (await execute(UndoRecordMove, { moveId: mv.id, reason })).undoRecordMove;
                        return { text: t(`results.${u.__typename}`), ok: u.__typename === 'RecordMoveUndone' };
                      }}
                      onDone={undone}
                    />
                  ) : (
                    <button type="button" onClick={() => setUndoing(`move-${mv.id}`)}>
                      {t('person.undoMove')}
                    </button>
                  )
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>

      {can.review(role) ? (
        <section aria-labelledby="decisions-h">
          <h2 id="decisions-h">{t('person.decisions')}</h2>
          {history.error ? <ErrorMessage error={history.error} /> : null}
          {history.data?.person?.reviewItems.length === 0 ? <p className="muted">{t('person.noDecisions')}</p> : null}
          <ul className="history">
            {history.data?.person?.reviewItems.map((ri) => (
              <li key={ri.id}>
                <Link href={`/review/${ri.id}`}>#{ri.id}</Link> · {t(`reasons.${ri.reason}`)} · {t(`statuses.${ri.status}`)} · {f.dateTime(ri.createdAt)}
                {ri.decisions.length ? (
                  <ol>
                    {ri.decisions.map((d) => (
                      <li key={d.id}>
                        <strong>{t(`decisions.${d.decision}`)}</strong> · {d.actor} · {f.dateTime(d.decidedAt)} — “{d.reason}”
                      </li>
                    ))}
                  </ol>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}
