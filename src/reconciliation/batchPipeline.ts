import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { blockingKeys, compare, decide, score, type BlockingKey, type BlockingRule, type DecisionConfig } from '../domain/identity';
import type { Orm } from '../platform/db';
import { JobReleasedError } from '../platform/queue';
import { add, type Prepared, type ReconcileConfig, type RunState } from './engine';
import type { GoldenRecordRepository, Survivorship } from './goldenRecordRepository';
import { BatchMatcher, type BatchResult, type MatchRecord, type Pins } from './matcher';
import { prepareEntity } from './prepareEntity';
import type { EntityRow, KeyWrite, LinkWrite, ReconciliationRepository, ReconciliationRunRow, ReviewWrite, StagedBatch } from './reconciliationRepository';
import type { RelinkRepository, RelinkWrite } from './relinkRepository';

/** A batch decided in stage 1, to be written in stage 2 (see runBatches). */
interface Plan {
  batch: EntityRow[];
  mine: Map<number, Prepared>;
  /** The linked records compared with, as stage 1 saw them (person and record version). */
  assumed: Map<number, { personId: number; recordId: number }>;
  /** Pins and steward activity as stage 1 saw them. */
  pins: string;
  epoch: string;
  result: BatchResult;
  /** Person ids reserved for the persons this batch creates. */
  reserved: number[];
  links: LinkWrite[];
  created: { entityId: number; personId: number }[];
  reviews: ReviewWrite[];
  merges: MergeWrite[];
  /** Earlier links in doubt (weighed at the end of the batches). */
  relinks: RelinkWrite[];
  changedLinked: EntityRow[];
  /** The batch's records with the persons they were given: candidates of the next batch before the commit. */
  assigned: (MatchRecord & { recordId: number; keys: BlockingKey[] })[];
  lastId: number;
  /** Its links and blocking keys, copied into staging in stage 1 (plans made outside the lock only). */
  staged?: StagedBatch;
}

type MergeWrite = BatchResult['merges'][number];

/** Records prepared between two yields to the event loop (keeps database writes flowing meanwhile). */
const PREPARE_SLICE = 2_000;

/**
 * The matching batches of a run: pending records are read, prepared, matched against the persons
 * they share a blocking key with (deterministic, phonetic and Fellegi–Sunter tiers, steward pins
 * first) and written — links, new persons, review items, merge proposals and the batch's "done"
 * flags in one transaction, so a crashed run resumes with whatever is still pending.
 *
 * Speed: each record is prepared once per run (pending records are read ahead and prepared while the
 * previous batch writes; candidates are cached by record version), pairs are weighed without
 * allocation, and every write is one set-based statement per batch.
 */
export class BatchPipeline {
  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly relinks: RelinkRepository,
    private readonly golden: GoldenRecordRepository,
    private readonly survivorship: Survivorship,
    private readonly rules: readonly BlockingRule[],
    private readonly ruleNames: Map<number, string>,
    private readonly decision: DecisionConfig,
    private readonly config: Pick<ReconcileConfig, 'RECONCILE_BATCH_SIZE' | 'RECONCILE_MAX_BLOCK_SIZE'>,
  ) {}

  /**
   * The batch loop, two stages deep: while one batch writes under the engine lock (stage 2), the
   * next is read, prepared and matched outside it (stage 1), against the committed state plus the
   * batch being written. Stage 2 re-checks what stage 1 assumed; if anything changed meanwhile (a
   * steward decision, an import, a changed record) the batch is planned again under the lock. So
   * the result is the one a strictly sequential engine would produce, and the two cores work at once.
   */
  async runBatches(run: ReconciliationRunRow, state: RunState, signal?: AbortSignal): Promise<void> {
    const outside = async (afterId: number | null, overlay: Plan | null): Promise<Plan | 'empty' | 'changed'> => {
      const plan = await this.plan(this.repo.pool, state, afterId, overlay);
      if (plan === 'empty' || plan === 'changed') return plan;
      // Links and keys are copied into staging here, in stage 1, while the previous batch writes
      // (a COPY cannot share the transaction's connection on every driver), and applied inside the
      // batch's transaction, so a batch commits whole. A plan refused in stage 2 drops its pair.
      const stageStarted = performance.now();
      plan.staged = await this.repo.stageBatch(run.id, plan.links, batchKeys(plan));
      add(state.timings, 'stage', performance.now() - stageStarted);
      return plan;
    };
    let current: Plan | 'empty' | 'changed' = await outside(null, null);
    for (;;) {
      if (signal?.aborted) throw new JobReleasedError();
      if (current === 'empty' || current === 'changed') {
        if (!(await this.sequentialBatch(run, state))) {
          await this.repo.dropRunStaging(run.id);
          return;
        }
        current = await outside(null, null);
        continue;
      }
      const plan: Plan = current;
      const next = outside(plan.lastId, plan);
      next.catch(() => undefined);
      try {
        const staged = plan.staged!;
        await this.repo.transaction(async (tx) => {
          await this.repo.lockBatch(tx);
          await this.repo.tuneTransaction(tx);
          if (await this.stillValid(tx, plan)) await this.apply(tx, run, plan, state, staged);
          else {
            add(state.timings, 'replanned', 1);
            await this.repo.dropStaged(tx, staged);
            const again = await this.plan(tx, state, null, null);
            if (again !== 'empty' && again !== 'changed') await this.apply(tx, run, again, state);
          }
        });
      } catch (e) {
        await next.catch(() => undefined);
        throw e;
      }
      current = await next;
    }
  }

  private prepared(e: EntityRow, state: RunState): Prepared {
    const hit = state.cache.get(e.id);
    if (hit && hit.recordId === e.recordId) return hit;
    const prepared = prepareEntity(e, state.ctx, state.model.tf);
    return { recordId: e.recordId, prepared, keys: blockingKeys(prepared, this.rules) };
  }

  /**
   * Stage 1 of a batch, outside the engine lock (or inside it, for the sequential path): reads the
   * pending records (the first ones, or those after `afterId`), prepares them, looks up their
   * candidates, matches, and reserves ids for new persons. `overlay` is the previous batch's plan,
   * whose writes may not be committed yet: its records take part as candidates with the persons it
   * gave them. Returns what it assumed, so stage 2 can check nothing changed meanwhile.
   */
  private async plan(orm: Orm, state: RunState, afterId: number | null, overlay: Plan | null): Promise<Plan | 'empty' | 'changed'> {
    const T = state.timings;
    let t = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      add(T, phase, now - t);
      t = now;
    };
    const limit = this.config.RECONCILE_BATCH_SIZE;
    const batch = afterId === null ? await this.repo.pendingBatch(orm, limit) : await this.repo.pendingAfter(afterId, limit, orm);
    lap('readBatch');
    if (!batch.length) return 'empty';
    // Records that changed after being linked are checked against their person: sequential path.
    if (afterId !== null && batch.some((e) => e.personId !== null)) return 'changed';
    const epoch = await this.repo.stewardEpoch(orm);

    const mine = new Map<number, Prepared>();
    for (let i = 0; i < batch.length; i += PREPARE_SLICE) {
      for (const e of batch.slice(i, i + PREPARE_SLICE)) mine.set(e.id, this.prepared(e, state));
      if (afterId !== null) await yieldToLoop();
    }
    lap('prepare');

    const allKeys: BlockingKey[] = [];
    for (const p of mine.values()) for (const k of p.keys) allKeys.push(k);
    const { rows: candidateRows, oversized } = await this.repo.candidates(orm, allKeys, this.config.RECONCILE_MAX_BLOCK_SIZE);
    const overlaid = new Map<number, MatchRecord & { recordId: number; keys: BlockingKey[] }>();
    for (const o of overlay?.assigned ?? []) if (!mine.has(o.entityId)) overlaid.set(o.entityId, o);
    const candidateKeys = new Map<number, BlockingKey[]>();
    lap('candidates');
    const assumed = new Map<number, { personId: number; recordId: number }>();
    const candidates: MatchRecord[] = [];
    for (let i = 0; i < candidateRows.length; i += PREPARE_SLICE) {
      for (const c of candidateRows.slice(i, i + PREPARE_SLICE)) {
        if (mine.has(c.id) || overlaid.has(c.id)) continue;
        candidates.push({ entityId: c.id, personId: c.personId, prepared: this.prepared(c, state).prepared });
        candidateKeys.set(c.id, c.keys);
        assumed.set(c.id, { personId: c.personId!, recordId: c.recordId });
      }
      if (afterId !== null) await yieldToLoop();
    }
    for (const o of overlaid.values()) assumed.set(o.entityId, { personId: o.personId!, recordId: o.recordId });
    lap('prepareCandidates');

    const changedLinked = batch.filter((e) => e.personId !== null);
    const unlinked = batch.filter((e) => e.personId === null);
    const pinRows = await this.repo.pins(
      orm,
      unlinked.map((e) => e.id),
    );
    // Candidate persons pinned apart by a steward: the matcher proposes no merge between them.
    // (A pin made after this read changes the steward epoch: stage 2 then plans the batch again.)
    const candidatePersons = [...new Set([...candidates, ...overlaid.values(), ...changedLinked].map((c) => c.personId))].filter(
      (p): p is number => p !== null,
    );
    const apartRows = await this.repo.personsPinnedApart(orm, candidatePersons);
    lap('pins');

    const matcher = new BatchMatcher({
      model: state.model.model,
      decision: this.decision,
      rules: this.rules,
      maxBlockSize: this.config.RECONCILE_MAX_BLOCK_SIZE,
    });
    matcher.markOversized(oversized);
    matcher.addLinked(candidates, (r) => candidateKeys.get(r.entityId) ?? []);
    matcher.addLinked(overlaid.values(), (r) => overlaid.get(r.entityId)!.keys);
    // Already-linked records that changed keep their person; they are checked against it in apply.
    matcher.addLinked(
      changedLinked.map((e) => ({ entityId: e.id, personId: e.personId, prepared: mine.get(e.id)!.prepared })),
      (r) => mine.get(r.entityId)!.keys,
    );
    const toMatch = unlinked.map((e) => ({ entityId: e.id, personId: null, prepared: mine.get(e.id)!.prepared }));
    const keysOf = (r: MatchRecord) => mine.get(r.entityId)!.keys;
    // Outside the lock the previous batch is writing, and each of its statements waits for the loop.
    const result =
      afterId !== null
        ? await matcher.matchInSlices(toMatch, pinsOf(pinRows, apartRows), keysOf, PREPARE_SLICE, yieldToLoop)
        : matcher.match(toMatch, pinsOf(pinRows, apartRows), keysOf);
    lap('match');

    const provisional = [...new Set(result.assignments.map((a) => a.personId).filter((p) => p < 0))].sort((a, b) => b - a);
    const reserved = await this.repo.reservePersonIds(orm, provisional.length);
    const real = new Map(provisional.map((p, i) => [p, reserved[i]]));
    const resolve = (p: number) => (p < 0 ? real.get(p)! : p);
    const links: LinkWrite[] = result.assignments.map((a) => ({ ...a, personId: resolve(a.personId) }));
    lap('reserve');
    return {
      batch,
      mine,
      assumed,
      pins: pinKey(pinRows),
      epoch,
      result,
      reserved,
      links,
      created: result.assignments.filter((a) => a.personId < 0).map((a) => ({ entityId: a.entityId, personId: real.get(a.personId)! })),
      reviews: result.reviews.map((r) => ({
        reason: r.reason,
        entityId: r.entityId,
        personA: resolve(r.personA),
        personB: resolve(r.personB),
        candidateEntityId: r.candidateEntityId,
        score: r.score,
        explanation: r.explanation,
      })),
      merges: result.merges.map((m) => ({ ...m, personA: resolve(m.personA), personB: resolve(m.personB) })).filter((m) => m.personA !== m.personB),
      relinks: result.relinks.map((r) => ({ ...r, toPerson: resolve(r.toPerson) })),
      changedLinked,
      assigned: links.map((l) => ({
        entityId: l.entityId,
        personId: l.personId,
        prepared: mine.get(l.entityId)!.prepared,
        recordId: mine.get(l.entityId)!.recordId,
        keys: mine.get(l.entityId)!.keys,
      })),
      lastId: batch[batch.length - 1].id,
    };
  }

  /** Stage 2 check, under the lock: the plan still holds (same pending records, candidates, pins, no steward action). */
  private async stillValid(tx: Orm, plan: Plan): Promise<boolean> {
    if ((await this.repo.stewardEpoch(tx)) !== plan.epoch) return false;
    const pending = await this.repo.pendingState(
      tx,
      plan.batch.map((e) => e.id),
    );
    if (pending.size !== plan.batch.length) return false;
    for (const e of plan.batch) if (pending.get(e.id) !== e.recordId) return false;
    const linked = await this.repo.linkState(tx, [...plan.assumed.keys()]);
    for (const [id, a] of plan.assumed) {
      const now = linked.get(id);
      if (!now || now.personId !== a.personId || now.recordId !== a.recordId) return false;
    }
    return (
      pinKey(
        await this.repo.pins(
          tx,
          plan.batch.filter((e) => e.personId === null).map((e) => e.id),
        ),
      ) === plan.pins
    );
  }

  /** Stage 2 of a batch, under the engine lock: every write of the plan, in one transaction. */
  private async apply(tx: Orm, run: ReconciliationRunRow, plan: Plan, state: RunState, staged?: StagedBatch): Promise<void> {
    const T = state.timings;
    let t = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      add(T, phase, now - t);
      t = now;
    };
    const { batch, mine, result, changedLinked, links, merges } = plan;
    await this.golden.createPersons(tx, plan.created, this.survivorship);
    lap('createPersons');
    const ids = batch.map((e) => e.id);
    if (staged) {
      await this.repo.applyStagedLinks(
        tx,
        run.id,
        staged,
        links.map((l) => l.entityId),
      );
      lap('writeLinks');
      await this.repo.applyStagedKeys(tx, staged, ids);
    } else {
      // Planned inside this transaction: written from here (a COPY would need a second connection).
      await this.repo.writeLinks(tx, run.id, links);
      lap('writeLinks');
      await this.repo.replaceBlockingKeys(tx, ids, batchKeys(plan));
    }
    lap('writeKeys');
    const reviews = [...plan.reviews, ...(await this.checkChangedLinked(tx, changedLinked, mine, state))];
    await this.repo.touchLinks(
      tx,
      run.id,
      changedLinked.map((e) => e.id),
    );
    await this.derive(tx, plan);
    lap('derive');
    await this.repo.insertMergeProposals(tx, run.id, merges);
    await this.relinks.insert(tx, run.id, plan.relinks);
    const createdReviews = await this.repo.insertReviewItems(tx, run.id, reviews);
    const blocking: Record<string, number> = {};
    for (const [rule, n] of Object.entries(result.comparisonsByRule)) blocking[this.ruleNames.get(Number(rule)) ?? rule] = n;
    if (result.oversizedKeys) blocking.oversizedKeysSkipped = result.oversizedKeys;
    await this.repo.addCounters(tx, run.id, {
      processed: batch.length,
      pairs: result.pairsCompared,
      autoLinked: result.assignments.filter((a) => a.linkType !== 'new_person').length,
      newPersons: plan.reserved.length,
      reviews: createdReviews,
      merges: merges.length,
      blocking,
    });
    lap('writeOther');
    // The records of this batch are the likeliest candidates of the next one (file order keeps
    // households and repeated rows together): keep their prepared form, and only theirs.
    state.cache = mine;
  }

  /**
   * The batch's derived data, in its transaction (a committed batch leaves its persons current, and
   * the run's end has nothing left to derive): the records' facts carry their persons, every existing
   * person the batch gave records to (or re-examined a record of) has its golden record and
   * identifiers rebuilt, and the persons it created get their identifiers.
   */
  private async derive(tx: Orm, plan: Plan): Promise<void> {
    const records = [...plan.links.map((l) => l.entityId), ...plan.changedLinked.map((e) => e.id)];
    await this.golden.propagateLinks(tx, records);
    // A person created here was written from all its records of the batch: only identifiers are left.
    const created = new Set(plan.reserved);
    const touched = new Set<number>();
    for (const l of plan.links) if (!created.has(l.personId)) touched.add(l.personId);
    for (const e of plan.changedLinked) touched.add(e.personId!);
    await this.golden.rebuild(tx, [...touched], this.survivorship);
    await this.golden.rebuildIdentifiers(tx, plan.reserved);
  }

  /** One batch planned and written under the lock (records that changed after linking, vanished records, restarts). */
  private async sequentialBatch(run: ReconciliationRunRow, state: RunState): Promise<boolean> {
    return this.repo.transaction(async (tx) => {
      await this.repo.lockBatch(tx);
      await this.repo.tuneTransaction(tx);
      const plan = await this.plan(tx, state, null, null);
      if (plan === 'changed') throw new Error('internal: the first pending batch cannot be refused');
      if (plan !== 'empty') {
        await this.apply(tx, run, plan, state);
        return true;
      }
      // Records that vanished from their source: their persons' golden values and flags change.
      const vanished = await this.repo.pendingVanished(tx, this.config.RECONCILE_BATCH_SIZE);
      if (!vanished.length) return false;
      await this.repo.clearPending(
        tx,
        vanished.map((v) => v.id),
      );
      await this.golden.rebuild(tx, [...new Set(vanished.map((v) => v.personId).filter((p): p is number => p !== null))], this.survivorship);
      return true;
    });
  }

  /** A linked record that changed and no longer agrees with any other record of its person goes to review. */
  private async checkChangedLinked(tx: Orm, changed: EntityRow[], mine: Map<number, Prepared>, state: RunState): Promise<ReviewWrite[]> {
    if (!changed.length) return [];
    const others = await this.repo.entitiesOfPersons(tx, [...new Set(changed.map((e) => e.personId!))]);
    const byPerson = new Map<number, EntityRow[]>();
    for (const o of others) (byPerson.get(o.personId!) ?? byPerson.set(o.personId!, []).get(o.personId!)!).push(o);
    const out: ReviewWrite[] = [];
    for (const e of changed) {
      const peers = (byPerson.get(e.personId!) ?? []).filter((o) => o.id !== e.id);
      if (!peers.length) continue;
      const a = mine.get(e.id)!.prepared;
      let agrees = false;
      let best: { p: number; peer: number } = { p: 0, peer: peers[0].id };
      for (const peer of peers) {
        const b = (mine.get(peer.id) ?? this.prepared(peer, state)).prepared;
        const v = compare(a, b);
        const s = score(state.model.model, v, a, b);
        const d = decide(a, b, v, s, this.decision);
        if (d.outcome === 'link' || d.outcome === 'review') agrees = true;
        if (s.probability >= best.p) best = { p: s.probability, peer: peer.id };
      }
      if (!agrees) {
        out.push({
          reason: 'LINKED_RECORD_CHANGED',
          entityId: e.id,
          personA: e.personId!,
          personB: null,
          candidateEntityId: best.peer,
          score: best.p,
          explanation: { reasons: ['LINKED_RECORD_CHANGED'] },
        });
      }
    }
    return out;
  }
}

type PinRow = Awaited<ReturnType<ReconciliationRepository['pins']>>[number];

function batchKeys(plan: Plan): KeyWrite[] {
  return plan.batch.flatMap((e) => plan.mine.get(e.id)!.keys.map((k) => ({ entityId: e.id, ...k })));
}

function pinsOf(rows: readonly PinRow[], apart: readonly [number, number][] = []): Pins {
  const mustLink = new Map<number, Set<number>>();
  const cannotLinkEntities = new Map<number, Set<number>>();
  const cannotLinkPersons = new Map<number, Set<number>>();
  const put = (m: Map<number, Set<number>>, k: number, v: number) => (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
  for (const p of rows) {
    if (p.kind === 'must_link') {
      if (p.otherPersonId !== null) put(mustLink, p.entityId, p.otherPersonId);
    } else {
      put(cannotLinkEntities, p.entityId, p.otherEntityId);
      if (p.otherPersonId !== null) put(cannotLinkPersons, p.entityId, p.otherPersonId);
    }
  }
  const apartPersons = new Map<number, Set<number>>();
  for (const [a, b] of apart) {
    put(apartPersons, a, b);
    put(apartPersons, b, a);
  }
  return { mustLink, cannotLinkEntities, cannotLinkPersons, apartPersons };
}

/** A canonical form of pin rows, to tell whether they changed between the two stages. */
function pinKey(rows: readonly PinRow[]): string {
  return rows
    .map((p) => `${p.kind}:${p.entityId}:${p.otherEntityId}:${p.otherPersonId}`)
    .sort()
    .join(',');
}
