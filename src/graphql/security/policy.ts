import type { Role } from '../../kernel';
import type { Sensitivity } from '../shared';

/**
 * What a role gets of a field, by the field's sensitivity tag:
 * - `full`: the value;
 * - `masked`: the last four characters only (`******6789`);
 * - `audited`: the value, and one audit row per subject and field per request;
 * - `denied`: the request is refused before execution (FORBIDDEN) if it selects the field.
 *
 * Operators run imports and see no personal data; readers (agency IT) see the registry with
 * document numbers masked and no raw lines or victims' details; stewards and admins see all of it,
 * audited. `victim` details are not audited per read: they hang off a person whose identifiers the
 * same query usually returns, and the access rule (stewards/admins only) is the control.
 */
export type Disclosure = 'full' | 'masked' | 'audited' | 'denied';

export const DISCLOSURE: Readonly<Record<Sensitivity, Readonly<Record<Role, Disclosure>>>> = {
  public: { reader: 'full', steward: 'full', operator: 'full', admin: 'full' },
  personal: { reader: 'full', steward: 'full', operator: 'denied', admin: 'full' },
  victimStatus: { reader: 'full', steward: 'full', operator: 'denied', admin: 'full' },
  identifier: { reader: 'masked', steward: 'audited', operator: 'denied', admin: 'audited' },
  raw: { reader: 'denied', steward: 'audited', operator: 'denied', admin: 'audited' },
  victim: { reader: 'denied', steward: 'full', operator: 'denied', admin: 'full' },
};

export const disclosureFor = (level: Sensitivity, role: Role): Disclosure => DISCLOSURE[level][role];

/** `1023456789` → `******6789`. Fixed width, so the mask does not reveal the length. */
export function maskValue(value: string): string {
  const tail = value.length > 4 ? value.slice(-4) : '';
  return `******${tail}`;
}
