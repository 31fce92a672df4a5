import type { ArchiveService, RecordLocation } from '../../archive';
import type { RequestContext } from '../../graphql/shared';
import type { ReferenceService } from '../referenceService';
import type { RegistryService } from '../registryService';
import type { RegistryLoaders } from './loaders';

/** What the registry's resolvers use of a request: its services and loaders. */
export interface RegistryContext extends RequestContext {
  services: {
    registry: RegistryService;
    reference: ReferenceService;
    archive: ArchiveService;
    /** Re-derives a record's normalized values from its archived line (src/imports RecordValues). */
    recordValues: { normalized(at: RecordLocation): Promise<unknown> };
  };
  /** Per-request loaders with the caller's territory scope baked in: resolve persons only through them. */
  loaders: RegistryLoaders;
}

/** The part of a request other features need to resolve persons and source records inside the caller's territory. */
export type PersonLookupContext = RequestContext & { loaders: Pick<RegistryLoaders, 'personById' | 'sourceRecordById'> };
