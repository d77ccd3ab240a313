// Size of Waymark's snippet beside the browser bundles the peers publish on npm.
//
// Each peer is fetched as one tarball with `npm pack NAME@VERSION` (no dependencies installed)
// into bench/.cache/ and reused from there on later runs. A peer that cannot be fetched or built is
// reported as unavailable with the reason; it never stops the run.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sizes } from '../rollup.config.mjs';
import { alignTable } from './table.mjs';

const run = promisify(execFile);
export const CACHE = 'bench/.cache';

/**
 * @typedef {{ name: string, version: string, file: string, note: string,
 *   bundle?: { globalName: string } }} Peer
 * `file` is the path inside the tarball. With `bundle`, `file` is the package's ESM browser entry,
 * which is bundled and minified with esbuild the way a site using the package would ship it.
 */

/** @type {Peer[]} */
export const PEERS = [
  {
    name: 'plausible-tracker',
    version: '0.3.9',
    file: 'package/build/module/index.js',
    bundle: { globalName: 'Plausible' },
    note: 'ships no browser bundle: ESM entry bundled+minified here (esbuild, iife, es2019)',
  },
  {
    name: 'posthog-js',
    version: '1.449.2',
    file: 'package/dist/array.js',
    note: 'dist/array.js, what the snippet loads; extensions load later',
  },
  {
    name: '@segment/analytics-next',
    version: '1.84.3',
    file: 'package/dist/umd/standalone.js',
    note: 'dist/umd/standalone.js; more chunks load at run time',
  },
  {
    name: '@snowplow/browser-tracker',
    version: '4.10.1',
    file: 'package/dist/index.umd.min.js',
    note: 'dist/index.umd.min.js',
  },
];

/** `npm pack` names the tarball `scope-name-version.tgz`. */
export const tarballName = (/** @type {Peer} */ p) => `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;

/** First line of an error that says why (npm prints its reason as "npm error code ENOTFOUND" etc.). */
function reason(/** @type {any} */ err) {
  const text = `${err?.stderr ?? ''}\n${err?.message ?? err}`;
  const code = text.match(/npm (?:error|ERR!) code (\S+)/)?.[1];
  if (code) return `npm pack: ${code}`;
  if (err?.killed) return 'timed out';
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean)
      ?.slice(0, 80) ?? 'unknown error'
  );
}

/** Fetches (or reuses) the peer's tarball and returns the path of its browser bundle on disk. */
export async function peerBundle(/** @type {Peer} */ p) {
  mkdirSync(CACHE, { recursive: true });
  const tgz = join(CACHE, tarballName(p));
  if (!existsSync(tgz)) {
    await run('npm', ['pack', `${p.name}@${p.version}`, '--pack-destination', CACHE, '--loglevel=error'], {
      timeout: 120_000,
    });
    if (!existsSync(tgz)) throw new Error(`npm pack did not write ${tgz}`);
  }
  const dir = join(CACHE, tarballName(p).replace(/\.tgz$/, ''));
  mkdirSync(dir, { recursive: true });
  // Plausible's entry imports sibling files, so take the whole build folder in that case.
  const wanted = p.bundle ? p.file.replace(/\/[^/]*$/, '') : p.file;
  try {
    await run('tar', ['xzf', tgz, '-C', dir, wanted]);
  } catch (err) {
    rmSync(tgz, { force: true }); // a broken download is fetched again next time
    throw err;
  }
  const file = join(dir, p.file);
  if (!p.bundle) return file;

  const esbuild = await import('esbuild');
  const out = join(dir, 'bundle.min.js');
  await esbuild.build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: p.bundle.globalName,
    target: 'es2019',
    platform: 'browser',
    outfile: out,
    logLevel: 'silent',
  });
  return out;
}

/**
 * @typedef {{ name: string, raw?: number, gzip?: number, brotli?: number, note: string,
 *   unavailable?: string }} SizeRow
 */

/**
 * Measures Waymark's snippet (must exist: its absence is a real failure) and every peer.
 * @param {string} snippet path of Waymark's built snippet
 * @param {(line: string) => void} progress
 * @returns {Promise<SizeRow[]>}
 */
export async function measureSizes(snippet, progress) {
  if (!existsSync(snippet)) throw new Error(`${snippet} not found: run \`npm run build\` first`);
  /** @type {SizeRow[]} */
  const rows = [{ name: 'waymark (this repo)', ...sizes(snippet), note: snippet }];
  for (const p of PEERS) {
    const name = `${p.name} ${p.version}`;
    progress(`sizes: ${name}`);
    try {
      rows.push({ name, ...sizes(await peerBundle(p)), note: p.note });
    } catch (err) {
      rows.push({ name, note: p.note, unavailable: reason(err) });
    }
  }
  return rows;
}

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

/** The size table as text lines; the ratio is each row's gzip size over Waymark's. */
export function formatSizes(/** @type {SizeRow[]} */ rows) {
  const base = rows[0].gzip ?? NaN;
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const table = [['bundle'.padEnd(nameWidth), 'raw B', 'gzip -9 B', 'brotli B', 'gzip ×wm', 'note']];
  for (const r of rows) {
    if (r.unavailable) continue;
    const ratio = ((r.gzip ?? NaN) / base).toFixed(2);
    table.push([r.name, fmt(r.raw ?? 0), fmt(r.gzip ?? 0), fmt(r.brotli ?? 0), ratio, r.note]);
  }
  const lines = alignTable(table, [false, true, true, true, true, false]);
  for (const r of rows) {
    if (r.unavailable) lines.push(`${r.name.padEnd(nameWidth)}  unavailable (${r.unavailable}); ${r.note}`);
  }
  return lines;
}
