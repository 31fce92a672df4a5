import type { RequestContext } from '../../graphql/shared';
import type { RegistryLoaders } from '../../registry';
import type { LinksExportService } from '../linksExportService';
import type { ReviewService } from '../reviewService';
import type { StewardshipLoaders } from './loaders';

/** What stewardship's resolvers use of a request: its services, its loaders and the registry's. */
export interface StewardshipContext extends RequestContext {
  services: { review: ReviewService; linksExport: LinksExportService };
  loaders: StewardshipLoaders & Pick<RegistryLoaders, 'personById' | 'sourceRecordById'>;
}
