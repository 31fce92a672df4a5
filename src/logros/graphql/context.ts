import type { RequestContext } from '../../graphql/shared';
import type { RegistryLoaders } from '../../registry';
import type { LogroExportService } from '../logroExportService';
import type { LogroReportService } from '../logroReportService';
import type { LogroService } from '../logroService';
import type { LogrosLoaders } from './loaders';

/** What the logros resolvers use of a request: their services, their loaders and the registry's person/record loaders. */
export interface LogrosContext extends RequestContext {
  services: { logros: LogroService; logroReports: LogroReportService; logroExports: LogroExportService };
  loaders: LogrosLoaders & Pick<RegistryLoaders, 'personById' | 'sourceRecordById'>;
}
