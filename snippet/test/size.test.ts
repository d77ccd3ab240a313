// The snippet's hard size budget: gzip -9 of the built file, including idb-keyval's used code.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const FILE = 'dist/snippet/wm.js';
const BUDGET = 2560;

describe('snippet size', () => {
  it(`dist/snippet/wm.js is at most ${BUDGET} bytes gzip -9`, () => {
    if (!existsSync(FILE)) throw new Error(`${FILE} is missing: run npm run build first`);
    const gzip = gzipSync(readFileSync(FILE), { level: 9 }).length;
    expect(gzip, `wm.js is ${gzip} B gzip -9, budget ${BUDGET} B`).toBeLessThanOrEqual(BUDGET);
  });
});
