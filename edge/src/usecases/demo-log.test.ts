import { describe, expect, it } from 'vitest';
import { ThrottledLog } from './demo-log';

describe('the demo log of stored batches', () => {
  it('prints every line at a human pace', () => {
    const printed: string[] = [];
    let now = 0;
    const log = new ThrottledLog(
      (l) => printed.push(l),
      5,
      () => now,
    );
    for (let i = 0; i < 4; i++) {
      log.line(() => `batch ${i}`);
      now += 800;
    }
    expect(printed).toEqual(['batch 0', 'batch 1', 'batch 2', 'batch 3']);
  });

  it('prints at most `perSecond` lines a second, and counts the rest on the next line printed', () => {
    const printed: string[] = [];
    let now = 10_000;
    let built = 0;
    const log = new ThrottledLog(
      (l) => printed.push(l),
      2,
      () => now,
    );
    for (let i = 0; i < 5; i++) {
      log.line(() => {
        built++;
        return `batch ${i}`;
      });
    }
    expect(printed).toEqual(['batch 0', 'batch 1']);
    expect(built).toBe(2); // a left-out line is never built
    now += 1_000;
    log.line(() => 'batch 5');
    log.line(() => 'batch 6');
    expect(printed).toEqual(['batch 0', 'batch 1', 'batch 5 (3 more stored batches not shown)', 'batch 6']);
  });
});
