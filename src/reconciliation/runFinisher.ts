import type { Clock } from '../kernel';
import type { Orm } from '../platform/db';
import type { Logger } from '../platform/logger';
import { time, type ReconcileConfig, type RunSettings, type RunTimings } from './engine';
import type { GoldenRecordRepository, Survivorship } from './goldenRecordRepository';
import { MergeConflictError, type MergeService } from './mergeService';
import { auditSampleSize, breakerReason, breakerVerdict } from './policies';
import type { ReconciliationRepository, ReconciliationRunRow } from './reconciliationRepository';
import type { RelinkRepository } from './relinkRepository';
import { acceptedRelinks } from './relinks';

const ACTOR = 'system:reconciliation';

/**
 * The end of a run, once its batches are written: derived data (facts, golden records, identifiers),
 * then the circuit breaker's verdict on merges of existing persons (applied, or held for review),
 * household consistency checks, and the audit sample of automatic links.
 */
export class RunFinisher {
  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly golden: GoldenRecordRepository,
    private readonly merges: MergeService,
    private readonly relinks: RelinkRepository,
    private readonly survivorship: Survivorship,
    private readonly config: Pick<
      ReconcileConfig,
      'RECONCILE_BATCH_SIZE' | 'RECONCILE_BREAKER_MIN_MERGES' | 'RECONCILE_MAX_AUTO_MERGE_RATE' | 'RECONCILE_AUDIT_SAMPLE' | 'RECONCILE_AUDIT_RATE'
    >,
    private readonly clock: Clock,
  ) {}

  /** End of run: derived data, then the circuit breaker decides on merges; household checks; the audit sample. */
  async finish(run: ReconciliationRunRow, log: Logger, timings: RunTimings): Promise<void> {
    await this.derive(run, timings);
    // Statistics of what the run rewrote, where a fifth or more changed (a first registry's million
    // links and keys), for the next import and run.
    await time(timings, 'analyze', () => this.repo.analyzeStale());
    const settings = run.settings as RunSettings;
    const proposals = await this.repo.proposals(run.id);
    const moves = await acceptedRelinks(this.relinks, run.id);
    const verdict = breakerVerdict({
      proposals,
      moves,
      personsBefore: settings.personsBefore,
      recordsProcessed: run.recordsProcessed,
      minMerges: this.config.RECONCILE_BREAKER_MIN_MERGES,
      maxRate: this.config.RECONCILE_MAX_AUTO_MERGE_RATE,
    });
    const { tripped } = verdict;
    let applied = 0;
    let moved = 0;
    if (tripped) {
      await this.repo.transaction(async (tx) => {
        await this.repo.lock(tx);
        await this.repo.insertReviewItems(
          tx,
          run.id,
          proposals.map((p) => ({
            reason: 'MERGE_HELD_BY_BREAKER',
            entityId: p.entityId,
            personA: p.personA,
            personB: p.personB,
            candidateEntityId: null,
            score: p.score,
            explanation: p.explanation,
          })),
        );
        await this.repo.setProposalStatus(
          tx,
          proposals.map((p) => p.id),
          'held',
        );
        await this.repo.insertReviewItems(
          tx,
          run.id,
          moves.map((m) => ({
            reason: 'RELINK_CANDIDATE',
            entityId: m.entityId,
            personA: m.fromPerson,
            personB: m.toPerson,
            candidateEntityId: m.accepted.link.matchedEntityId,
            score: m.accepted.link.score,
            explanation: { tier: m.accepted.link.linkType, rule: 'relink.held_by_breaker', reasons: [...m.accepted.link.reasons, 'RELINK_HELD_BY_BREAKER'] },
          })),
        );
        await this.relinks.setStatus(
          tx,
          moves.map((m) => m.id),
          'held',
          'relink.held_by_breaker',
        );
      });
      log.warn(
        { proposed: proposals.length, existing: verdict.existingMerges, moves: verdict.moves, rate: verdict.rate },
        'circuit breaker: automatic merges held for review',
      );
    } else {
      for (const p of proposals) {
        const ok = await this.applyOne(
          async (tx) => {
            const [a, b] = await this.merges.currentPersons(tx, [p.personA, p.personB]);
            if (a === b) return false;
            await this.merges.merge(tx, {
              survivorId: Math.min(a, b),
              mergedId: Math.max(a, b),
              kind: 'automatic',
              actor: ACTOR,
              reason: 'A record links to both persons.',
              runId: run.id,
            });
            return true;
          },
          (tx, status) => this.repo.setProposalStatus(tx, [p.id], status),
        );
        if (ok) applied++;
      }
      moved = await this.applyMoves(run, moves);
    }

    // Household consistency: a linked person with current memberships in two households is a move
    // or a split, never silently overwritten.
    const conflicts = await this.repo.householdConflicts(run.id);
    const fresh0 = (await this.repo.findRun(run.id))!;
    const auditSize = auditSampleSize(fresh0.autoLinked, this.config.RECONCILE_AUDIT_SAMPLE, this.config.RECONCILE_AUDIT_RATE);
    const sample = await this.repo.autoLinkSample(run.id, auditSize);
    const extra = await this.repo.transaction(async (tx) => {
      await this.repo.lock(tx);
      const a = await this.repo.insertReviewItems(
        tx,
        run.id,
        conflicts.map((c) => ({
          reason: 'HOUSEHOLD_CHANGE',
          entityId: null,
          personA: c.personId,
          personB: null,
          candidateEntityId: null,
          householdId: c.householdId,
          score: null,
          explanation: { households: c.households },
        })),
      );
      const b = await this.repo.insertReviewItems(
        tx,
        run.id,
        sample.map((s) => ({
          reason: 'AUTO_LINK_AUDIT',
          entityId: s.entityId,
          personA: s.personId,
          personB: null,
          candidateEntityId: s.matchedEntityId,
          score: s.score,
          explanation: { reasons: ['AUTO_LINK_AUDIT'] },
        })),
      );
      return a + b;
    });

    const fresh = (await this.repo.findRun(run.id))!;
    await this.repo.transition(run.id, ['merging'], tripped ? 'failed' : 'done', {
      mergesApplied: applied,
      breakerTripped: tripped,
      reviewItems: fresh.reviewItems + extra,
      finishedAt: this.clock.now(),
      failureReason: tripped ? breakerReason(verdict, run.recordsProcessed) : null,
    });
    log.info(
      {
        processed: fresh.recordsProcessed,
        autoLinked: fresh.autoLinked,
        newPersons: fresh.newPersons,
        reviewItems: fresh.reviewItems + extra,
        mergesApplied: applied,
        recordsMoved: moved,
        tripped,
      },
      'reconciliation run finished',
    );
  }

  /**
   * The accepted relinks, after the merges (persons resolved to their survivors): each record moves
   * in its own transaction, re-checked there (still in its person, no steward pin against the other).
   */
  private async applyMoves(run: ReconciliationRunRow, moves: Awaited<ReturnType<typeof acceptedRelinks>>): Promise<number> {
    let moved = 0;
    for (const m of moves) {
      const ok = await this.applyOne(
        async (tx) => {
          const [from, to] = await this.merges.currentPersons(tx, [m.fromPerson, m.toPerson]);
          if (from === to) return false; // the two persons are one now
          await this.merges.moveRecord(tx, {
            entityId: m.entityId,
            fromPersonId: from,
            toPersonId: to,
            kind: 'automatic',
            link: m.accepted.link,
            actor: ACTOR,
            reason: 'A later record brings deterministic evidence that this record belongs to another person.',
            runId: run.id,
          });
          return true;
        },
        (tx, status) => this.relinks.setStatus(tx, [m.id], status),
      );
      if (ok) moved++;
    }
    return moved;
  }

  /**
   * One accepted merge or move in its own transaction under the engine lock. `act` returns false
   * when the registry has moved on (the two persons are one now); a MergeConflictError means the
   * same. Either way the proposal is marked superseded, in the same transaction; else applied.
   */
  private async applyOne(act: (tx: Orm) => Promise<boolean>, mark: (tx: Orm, status: 'applied' | 'superseded') => Promise<unknown>): Promise<boolean> {
    return this.repo.transaction(async (tx) => {
      await this.repo.lock(tx);
      let done: boolean;
      try {
        done = await act(tx);
      } catch (e) {
        if (!(e instanceof MergeConflictError)) throw e;
        done = false;
      }
      await mark(tx, done ? 'applied' : 'superseded');
      return done;
    });
  }

  /**
   * End of the batches. Each batch derived its own records and persons in its transaction
   * (batchPipeline.ts); what is left is the open review items' person versions. A run started
   * before batches derived does it all here: every record the run linked carries its person onto
   * its facts, every existing person it changed gets its golden record rebuilt, and the persons it
   * created get their identifiers — in chunks, on two connections at once (chunks hold disjoint
   * records or persons; the derive lock is shared between them and exclusive for steward
   * decisions). Idempotent: a crash here redoes it on resume.
   */
  private async derive(run: ReconciliationRunRow, timings: RunTimings): Promise<void> {
    if ((run.settings as RunSettings | null)?.derivedInBatches) {
      await this.repo.refreshReviewVersions(run.id);
      return;
    }
    const chunk = Math.max(1_000, Math.min(this.config.RECONCILE_BATCH_SIZE, 20_000));
    const inParallel = async (ids: number[], work: (tx: Orm, part: number[]) => Promise<void>) => {
      let next = 0;
      const worker = async () => {
        for (;;) {
          const part = ids.slice(next, next + chunk);
          next += chunk;
          if (!part.length) return;
          await this.repo.transaction(async (tx) => {
            await this.repo.lockDerive(tx);
            await this.repo.tuneTransaction(tx);
            await work(tx, part);
          });
        }
      };
      await Promise.all([worker(), worker()]);
    };
    const records = await this.repo.runRecords(run.id);
    await time(timings, 'propagate', () => inParallel(records, (tx, part) => this.golden.propagateLinks(tx, part)));
    const persons = await this.repo.runTouchedPersons(run.id);
    await time(timings, 'golden', () => inParallel(persons, (tx, part) => this.golden.rebuild(tx, part, this.survivorship)));
    const touched = new Set(persons);
    const created = (await this.repo.runCreatedPersons(run.id)).filter((p) => !touched.has(p));
    await time(timings, 'identifiers', () => inParallel(created, (tx, part) => this.golden.rebuildIdentifiers(tx, part)));
    await this.repo.refreshReviewVersions(run.id);
  }
}
