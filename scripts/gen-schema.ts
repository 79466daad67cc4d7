/** Writes schemas/invoice.schema.json from the zod contract in src/assemble/schema.ts. */
import { writeFileSync } from 'node:fs';
import { invoiceJsonSchema } from '../src/assemble/schema.js';

const out = new URL('../schemas/invoice.schema.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(invoiceJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
