import type { RequestContext } from '../../graphql/shared';
import type { ImportService } from '../importService';

/** What the imports' resolvers use of a request. */
export interface ImportsContext extends RequestContext {
  services: { imports: ImportService };
}
