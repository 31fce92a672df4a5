import type { TerritoryScope } from './territory';
import type { Role } from './roles';

/** The authenticated caller of a request. */
export interface Principal {
  clientId: number;
  publicId: string;
  name: string;
  role: Role;
  /** Territory the client may see; null = the whole country. */
  scope: TerritoryScope | null;
  /** How the audit log names it (`client:<publicId>`). */
  actor: string;
}
