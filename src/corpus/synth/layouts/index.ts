/** The layout families of the synthetic corpus. */
import { InvexError } from '../../../errors.js';
import { band } from './band.js';
import { boxed } from './boxed.js';
import { centered } from './centered.js';
import { classic } from './classic.js';
import type { Family } from './common.js';
import { credit } from './credit.js';
import { din5008 } from './din5008.js';
import { minimal } from './minimal.js';
import { mono } from './mono.js';
import { multipage } from './multipage.js';
import { receipt } from './receipt.js';
import { rightHeader } from './right-header.js';
import { service } from './service.js';
import { sidebar } from './sidebar.js';
import { taxSummary } from './tax-summary.js';
import { usgrid } from './usgrid.js';
import { viewer } from './viewer.js';

export type { Family };

export const FAMILIES: readonly Family[] = [
  classic,
  din5008,
  receipt,
  band,
  usgrid,
  multipage,
  credit,
  mono,
  sidebar,
  boxed,
  centered,
  rightHeader,
  taxSummary,
  minimal,
  service,
  viewer,
];

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
