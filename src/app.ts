import { isTableSource, systemClock, type Clock } from './kernel';
import type { Config } from './platform/config';
import { AuditWriter, type Database } from './platform/db';
import type { Logger } from './platform/logger';
import { FactRepository, HouseholdRepository, PersonRepository, ReferenceRepository, ReferenceService, RegistryService } from './registry';
import { ImportRepository, ImportService, RecordRemovalService, RecordValues } from './imports';
import { AuditChainService, AuditRepository, ClientRepository, AuditService, ClientService } from './access';
import type { OpsJobQueue, ScheduleSpec } from './platform/queue';
import { OpsRepository, ScheduleService, createOpsServices } from './ops';
import {
  GoldenRecordRepository,
  MergeRepository,
  MergeService,
  ReconciliationRepository,
  RelinkRepository,
  LinkageModelService,
  ReconciliationService,
  ReconciliationRunService,
  survivorshipOf,
} from './reconciliation';
import { ArchiveService, ArchiveStore, archiveDir } from './archive';
import { ReviewRepository, LinksExportRepository, ReviewService, LinksExportService } from './stewardship';
import { CruceRepository, CruceService, type CruceFactSource } from './cruce';
import { LogroExportRepository, LogroExportService, LogroReportRepository, LogroReportService, LogroRepository, LogroService, OfferSupply } from './logros';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Where services hand work to background jobs (BullMQ with REDIS_URL, in-process otherwise). */
  queue: OpsJobQueue;
  clock?: Clock;
  /** The job schedulers this hub declares (jobs/schedules.ts), listed and run by hand by operators. */
  schedules?: readonly ScheduleSpec[];
  /** Facts other features add to a cruce's answer (extension point, see src/cruce/facts.ts). */
  cruceFactSources?: readonly CruceFactSource[];
}

/**
 * Composition root: builds repositories and services once, for the API server, the workers, the
 * CLI and the tests alike. Tests swap dependencies from outside; nothing inside branches on them.
 */
export function createApp(deps: AppDeps) {
  const { config, db, logger, queue } = deps;
  const clock = deps.clock ?? systemClock;
  // The one writer of the append-only audit log (requests, decisions, merges).
  const auditWriter = new AuditWriter();
  const survivorship = survivorshipOf(config);
  const golden = new GoldenRecordRepository(db);
  const repositories = {
    persons: new PersonRepository(db.orm),
    households: new HouseholdRepository(db.orm),
    facts: new FactRepository(db.orm),
    reference: new ReferenceRepository(db.orm),
    // An import rebuilds the persons of the linked records it changes, in the same transaction.
    imports: new ImportRepository(db, (tx, ids) => golden.rebuild(tx, ids, survivorship)),
    audit: new AuditRepository(db.orm, auditWriter),
    clients: new ClientRepository(db),
    reconciliation: new ReconciliationRepository(db),
    merges: new MergeRepository(db),
    relinks: new RelinkRepository(db),
    golden,
    review: new ReviewRepository(db),
    linksExports: new LinksExportRepository(db),
    ops: new OpsRepository(db),
    cruce: new CruceRepository(db),
    logros: new LogroRepository(db),
    logroReports: new LogroReportRepository(db),
    logroExports: new LogroExportRepository(db, auditWriter),
  };
  // Every received file, unchanged, content-addressed: the provenance of the records' raw lines.
  const archive = new ArchiveService(db, new ArchiveStore(archiveDir(config)));
  const reference = new ReferenceService(repositories.reference);
  const registry = new RegistryService(repositories.persons, repositories.households, config);
  const audit = new AuditService(repositories.audit, registry, config);
  // Logros Básicos: recomputed after every reconciliation run (only what it touched).
  const logros = new LogroService(repositories.logros, queue, logger.child({ component: 'logros' }), clock);
  const logroReports = new LogroReportService(repositories.logroReports, reference, new OfferSupply(db), config);
  const logroExports = new LogroExportService(repositories.logroExports, logroReports, queue, config, logger.child({ component: 'logros-export' }), clock);
  const models = new LinkageModelService(db, logger.child({ component: 'linkage-model' }));
  // Merges, unmerges and detaches, for the engine and stewards alike (under one set of rules).
  const merges = new MergeService(repositories.merges, repositories.golden, auditWriter, survivorship);
  const reconciliation = new ReconciliationService(
    repositories.reconciliation,
    merges,
    repositories.relinks,
    repositories.golden,
    models,
    reference,
    queue,
    config,
    logger.child({ component: 'reconciliation' }),
    clock,
    { afterDone: async (run) => void (await logros.requestAfterReconciliation(run.id)) },
  );
  // Every applied import starts a reconciliation of what it added or changed.
  const imports = new ImportService(
    repositories.imports,
    reference,
    queue,
    config,
    logger.child({ component: 'imports' }),
    clock,
    archive,
    {
      // Table sources (hogares, oferta) hold no persons: nothing for reconciliation to link. A hogares cut
      // changes dwellings: the habitability logros of its households are recomputed (the offer is read live).
      afterApplied: async (run) => {
        if (!isTableSource(run.source)) await reconciliation.requestRun('import', run.id);
        else if (run.source === 'sisben_hogares') await logros.requestAfterImport(run.id);
      },
    },
    auditWriter,
  );
  const linksExport = new LinksExportService(repositories.linksExports, queue, config, logger.child({ component: 'links-export' }), clock);
  // The cruce: an agency's list answered against the registry with the engine's rules and index.
  const cruce = new CruceService(
    repositories.cruce,
    repositories.reconciliation,
    models,
    reference,
    queue,
    auditWriter,
    config,
    logger.child({ component: 'cruce' }),
    clock,
    (path) => imports.resolveInboxFile(path),
    deps.cruceFactSources ?? [],
  );
  const services = {
    registry,
    archive,
    // A source record's normalized values, re-derived from its archived line (source_records keeps no copy).
    recordValues: new RecordValues(archive, () => reference.municipalityCodes()),
    reference,
    reconciliation,
    imports,
    // Operators' removal of a run's records or a whole source (CLI `runs remove`, `sources reset`).
    recordRemoval: new RecordRemovalService(db, (tx, ids) => golden.rebuild(tx, ids, survivorship), auditWriter),
    // Nightly operations: inbox scan, sweeper, nightly summaries, metrics (src/ops).
    ops: createOpsServices({
      config,
      logger,
      clock,
      queue,
      imports,
      runs: { reconciliation, exports: linksExport, cruces: cruce, logros, logroExports },
      repositories,
    }),
    schedules: new ScheduleService(queue, deps.schedules ?? [], clock),
    audit,
    // The audit log's hash chain (tamper evidence), walked by `juntos-hub audit verify`.
    auditChain: new AuditChainService(db),
    clients: new ClientService(repositories.clients, reference, audit, {
      tokenCacheMs: config.API_TOKEN_CACHE_SECONDS * 1000,
      now: () => clock.now().getTime(),
    }),
    // Stewardship: the review queue and decisions (under the engine lock), runs, the links export.
    merges,
    review: new ReviewService(repositories.review, merges, auditWriter, repositories.reconciliation, models, reference, config, clock),
    reconciliationRuns: new ReconciliationRunService(reconciliation, repositories.reconciliation, repositories.review, config.API_MAX_PAGE_SIZE),
    linksExport,
    cruce,
    // Logros: states (runs after reconciliation), the territorial report and counts, exports.
    logros,
    logroReports,
    logroExports,
  };
  return { config, db, logger, clock, queue, repositories, services };
}

export type App = ReturnType<typeof createApp>;
export type AppServices = App['services'];
