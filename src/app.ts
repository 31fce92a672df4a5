import { systemClock, type Clock } from './kernel/clock';
import type { Config } from './platform/config';
import type { Database } from './platform/db';
import type { Logger } from './platform/logger';
import { FactRepository } from './repositories/factRepository';
import { HouseholdRepository } from './repositories/householdRepository';
import { PersonRepository } from './repositories/personRepository';
import { ReferenceRepository } from './repositories/referenceRepository';
import { ImportRepository } from './repositories/importRepository';
import { AuditRepository } from './repositories/auditRepository';
import { ClientRepository } from './repositories/clientRepository';
import type { OpsJobQueue } from './platform/queue';
import { OpsRepository } from './repositories/opsRepository';
import { createOpsServices } from './services/ops';
import { ImportService } from './services/import/importService';
import { ReferenceService } from './services/referenceService';
import { RegistryService } from './services/registryService';
import { AuditService } from './services/auditService';
import { ClientService } from './services/clientService';
import { GoldenRecordRepository } from './repositories/goldenRecordRepository';
import { MergeRepository } from './repositories/mergeRepository';
import { ReconciliationRepository } from './repositories/reconciliationRepository';
import { LinkageModelService } from './services/reconciliation/modelService';
import { ReconciliationService } from './services/reconciliation/reconciliationService';
import { ReviewRepository } from './repositories/reviewRepository';
import { LinksExportRepository } from './repositories/linksExportRepository';
import { ReviewService } from './services/stewardship/reviewService';
import { ReconciliationRunService } from './services/stewardship/runService';
import { LinksExportService } from './services/linksExport';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Where services hand work to background jobs (BullMQ with REDIS_URL, in-process otherwise). */
  queue: OpsJobQueue;
  clock?: Clock;
}

/**
 * Composition root: builds repositories and services once, for the API server, the workers, the
 * CLI and the tests alike. Tests swap dependencies from outside; nothing inside branches on them.
 */
export function createApp(deps: AppDeps) {
  const { config, db, logger, queue } = deps;
  const clock = deps.clock ?? systemClock;
  const repositories = {
    persons: new PersonRepository(db.orm),
    households: new HouseholdRepository(db.orm),
    facts: new FactRepository(db.orm),
    reference: new ReferenceRepository(db.orm),
    imports: new ImportRepository(db),
    audit: new AuditRepository(db.orm),
    clients: new ClientRepository(db),
    reconciliation: new ReconciliationRepository(db),
    merges: new MergeRepository(db),
    golden: new GoldenRecordRepository(db),
    review: new ReviewRepository(db),
    linksExports: new LinksExportRepository(db),
    ops: new OpsRepository(db),
  };
  const reference = new ReferenceService(repositories.reference);
  const registry = new RegistryService(repositories.persons, repositories.households, config);
  const audit = new AuditService(repositories.audit, registry, config);
  const models = new LinkageModelService(db, logger.child({ component: 'linkage-model' }));
  const reconciliation = new ReconciliationService(
    repositories.reconciliation,
    repositories.merges,
    repositories.golden,
    models,
    reference,
    queue,
    config,
    logger.child({ component: 'reconciliation' }),
    clock,
  );
  // Every applied import starts a reconciliation of what it added or changed.
  const imports = new ImportService(repositories.imports, reference, queue, config, logger.child({ component: 'imports' }), clock, {
    afterApplied: async (run) => void (await reconciliation.requestRun('import', run.id)),
  });
  const services = {
    registry,
    reference,
    reconciliation,
    imports,
    // Nightly operations: inbox scan, sweeper, nightly summaries, metrics (src/services/ops).
    ops: createOpsServices({ config, logger, clock, queue, imports, repositories }),
    audit,
    clients: new ClientService(repositories.clients, reference, audit),
    // Stewardship: the review queue and decisions (under the engine lock), runs, the links export.
    review: new ReviewService(
      repositories.review,
      repositories.merges,
      repositories.reconciliation,
      models,
      reference,
      reconciliation.survivorship,
      config,
      clock,
    ),
    reconciliationRuns: new ReconciliationRunService(reconciliation, repositories.reconciliation, repositories.review, config.API_MAX_PAGE_SIZE),
    linksExport: new LinksExportService(repositories.linksExports, queue, config, logger.child({ component: 'links-export' }), clock),
  };
  return { config, db, logger, clock, queue, repositories, services };
}

export type App = ReturnType<typeof createApp>;
export type AppServices = App['services'];
