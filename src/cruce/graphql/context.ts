import type { RequestContext } from '../../graphql/shared';
import type { CruceService } from '../cruceService';
import type { CruceLoaders } from './loaders';

/** What the cruce's resolvers use of a request. */
export interface CruceContext extends RequestContext {
  services: { cruce: CruceService };
  loaders: CruceLoaders;
}
