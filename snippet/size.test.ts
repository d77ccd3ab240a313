// Hard size budgets: `gzip -9` of each built file (as the budget is stated and as reviewers check
// it: GNU gzip, whose header also stores the file name), including idb-keyval's used code.
//   wm.js     the core every page loads
//   wm-ui.js  slot rendering and in-app messages, loaded by wm.js only when a page needs it
//   analytics.js  the optional Segment analytics.js drop-in (issue #15), loaded only by sites that use it
//   wm-consent.js  consent platforms (data-cmp), loaded by wm.js only when its tag names one
//   wm-editor.js  the dashboard's visual editor, loaded by wm-ui.js only in a page the dashboard frames
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// wm.js was 2,560 B until issue #11, whose points 7, 8 and 9 the core itself must do (they concern
// the outbox every page writes to and the loading of wm-ui.js, and cannot wait for wm-ui.js):
// - a bounded outbox that drops the oldest, counts the drops (also those of the memory queue while
//   consent is pending) and reports them (~175 B);
// - one flush per origin by Web Locks with a localStorage-lease fallback (~70 B);
// - the memory outbox when IndexedDB is missing, blocked or full (~50 B);
// - the beacon leaving out what another tab sent (~25 B) and wm('reset') (~45 B);
// - a Trusted Types policy for loading wm-ui.js under `require-trusted-types-for 'script'` (~40 B).
// Measured 2,989 B. Issue #14 asks for 2,560 B again with every feature kept: after its work (an
// own IndexedDB store instead of idb-keyval's, every terser option measured) it is 2,995 B, and
// bench/README.md section 1 says what was tried and where the bytes are; 2,560 B is not reached.
// Issue #15 point 3 added wm('group') and wm('alias') (+48 B) and moved the session's UTM out of
// the snippet to the edge, which reads it from the page URLs (edge/src/ingest/context.ts, −100 B):
// 2,943 B, leaving room under 3,000 B for the consent-platform loader of point 4.
// Issue #15 point 4 adds the loader of wm-consent.js (data-cmp, sharing wm-ui.js's loader and its
// one Trusted Types policy, +32 B): with both, 2,969 B (rollup's count), still under 3,000 B.
const BUDGETS: [file: string, bytes: number][] = [
  ['dist/snippet/wm.js', 3000],
  // 6,144 B until issue #12: per-locale text with right-to-left (point 5) costs every page that
  // shows personalized content about 580 B, and stays in this chunk; the QA badge (point 2) went to
  // its own chunk (wm-qa.js) instead.
  ['dist/snippet/wm-ui.js', 6400],
  ['dist/snippet/analytics.js', 2048],
  ['dist/snippet/wm-consent.js', 1536],
  // The visual editor's overlay (issue #12): loaded only by wm-ui.js's preview path in a page the
  // dashboard frames, never by a visitor. Most of it is zod: the edge's own selectorSchema checks
  // every selector it proposes. wm.js grew 20 B (2,989 B) to load wm-ui.js on ?wm_preview=1 pages.
  ['dist/snippet/wm-editor.js', 40960],
  // The QA/preview badge (issue #12 point 2): loaded by wm-ui.js only in a QA session, so wm-ui.js
  // keeps room for localized content (point 5).
  ['dist/snippet/wm-qa.js', 1024],
];

/** GNU gzip -9 where it exists (it always does on Debian); else zlib plus the file-name header. */
function gzipSize(file: string): number {
  try {
    return execFileSync('gzip', ['-9', '-c', file]).length;
  } catch {
    return gzipSync(readFileSync(file), { level: 9 }).length + file.split('/').pop()!.length + 1;
  }
}

describe('snippet size', () => {
  it.each(BUDGETS)('%s is at most %i bytes gzip -9', (file, budget) => {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
    const gzip = gzipSize(file);
    expect(gzip, `${file} is ${gzip} B gzip -9, budget ${budget} B`).toBeLessThanOrEqual(budget);
  });
});
