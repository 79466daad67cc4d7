import { describe, expect, it } from 'vitest';
import { assignSplits, supplierFamily } from '../../../src/corpus/splits.js';

describe('assignSplits', () => {
  const items = Array.from({ length: 200 }, (_, i) => ({ key: `doc-${i}`, group: `shop-${i % 23}` }));

  it('is deterministic and holds out about the asked share', () => {
    const a = assignSplits(items, 0.25);
    const b = assignSplits([...items].reverse(), 0.25);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    const dev = [...a.values()].filter((s) => s === 'dev').length;
    expect(dev / items.length).toBeGreaterThan(0.2);
    expect(dev / items.length).toBeLessThan(0.3);
  });

  it('keeps every group on one side', () => {
    const s = assignSplits(items, 0.3);
    const sides = new Map<string, Set<string>>();
    for (const it of items) {
      const set = sides.get(it.group) ?? new Set();
      set.add(s.get(it.key) ?? '');
      sides.set(it.group, set);
    }
    for (const set of sides.values()) expect(set.size).toBe(1);
  });
});

describe('supplierFamily', () => {
  it.each([
    ['MR. D.I.Y. (M) SDN BHD', 'MR DIY'],
    ['MR D.I.Y. (JOHOR) SDN BHD', 'MR DIY'],
    ['Lieferant GmbH', 'LIEFERANT GMBH'],
    ['', '(unknown)'],
  ])('%j → %j', (name, family) => {
    expect(supplierFamily(name)).toBe(family);
  });
});
