/** The layout families of the synthetic corpus. */
import { InvexError } from '../../../errors.js';
import { classic } from './classic.js';
import type { Family } from './common.js';
import { din5008 } from './din5008.js';
import { receipt } from './receipt.js';

export type { Family };

export const FAMILIES: readonly Family[] = [classic, din5008, receipt];

export function familyByName(name: string): Family {
  const f = FAMILIES.find((x) => x.name === name);
  if (!f) {
    throw new InvexError(
      'INVEX_E_USAGE',
      `unknown layout family "${name}"; known: ${FAMILIES.map((x) => x.name).join(', ')}`,
    );
  }
  return f;
}
