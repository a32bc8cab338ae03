// Every audit action a case's timeline can show has words of its own: a new action recorded for an
// appeal without them would reach the staff as a raw code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIMELINE_LABELS, timelineLabel } from '~/appeals/review';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'generated' ? [] : sources(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

describe('case timeline words', () => {
  it('has words for every appeal action the code records', () => {
    const recorded = new Set<string>();
    for (const file of sources('app'))
      for (const m of readFileSync(file, 'utf8').matchAll(/'(appeal\.[a-z_]+)'/g)) recorded.add(m[1]);
    expect(recorded.size).toBeGreaterThan(10);
    expect([...recorded].filter((action) => !TIMELINE_LABELS[action])).toEqual([]);
  });

  it('shows an action without words as recorded', () => {
    expect(timelineLabel('appeal.approved')).toBe('Approved');
    expect(timelineLabel('something.new')).toBe('something.new');
  });
});
