// Builds @waymark/snippet into dist/ (run by `npm run build` at the repository root):
//   dist/index.js    the ESM loader and typed wm (esbuild; no dependency)
//   dist/index.d.ts  its types, with the wire types it uses copied from protocol/wire.ts, so the
//   dist/insert.d.ts package needs nothing else (checked by compiling test/dist.ts against dist/)
//   dist/gtm.html    the Google Tag Manager Custom HTML tag: src/insert.ts compiled to ES5
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const dist = join(here, 'dist');
const tsc = join(root, 'node_modules/.bin/tsc');
/** The wire types the package's declarations name; all are plain types in protocol/wire.ts. */
const WIRE_TYPES = ['PropValue', 'Props', 'SlotDecision', 'MessageTrigger', 'MessageDecision', 'Decision'];
const WIRE_IMPORT = /^(import|export) type \{[^}]*\} from '\.\.\/\.\.\/\.\.\/protocol\/wire';\n/gm;

/** `export type NAME = …;` with its doc comment, from TypeScript source (brace-balanced, ends at `;`). */
export function extractType(source, name) {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^export type ${name}\\b`).test(l));
  if (start < 0) throw new Error(`protocol/wire.ts has no "export type ${name}"`);
  let first = start;
  if (lines[start - 1]?.trim().endsWith('*/')) while (first > 0 && !lines[first].trim().startsWith('/**')) first--;
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    for (const c of lines[i].replace(/\/\*.*?\*\/|\/\/.*$|'[^']*'/g, '')) depth += '{(['.includes(c) ? 1 : ')}]'.includes(c) ? -1 : 0;
    if (depth === 0 && lines[i].trimEnd().endsWith(';')) return lines.slice(first, i + 1).join('\n');
  }
  throw new Error(`unterminated type ${name} in protocol/wire.ts`);
}

async function main() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });

  await build({
    entryPoints: [join(here, 'src/index.ts')],
    outfile: join(dist, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2019',
    logLevel: 'warning',
  });

  // GTM: ES5, no module syntax; the site id is the one line to edit.
  const gtm = await build({
    entryPoints: [join(here, 'src/gtm.ts')],
    write: false,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es5',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const code = gtm.outputFiles[0].text.trim();
  writeFileSync(
    join(dist, 'gtm.html'),
    `<!-- Waymark for Google Tag Manager: a Custom HTML tag; replace YOUR-SITE-ID (docs/tag-managers-and-npm.md). -->\n<script>\n${code}\n</script>\n`,
  );

  // Declarations: tsc emits them (with protocol/wire.d.ts, which needs zod); the wire types used
  // are copied in instead, so the package has no dependency.
  const types = join(dist, '.types');
  execFileSync(tsc, ['-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
  const wire = readFileSync(join(root, 'protocol/wire.ts'), 'utf8');
  const copied = WIRE_TYPES.map((n) => extractType(wire, n)).join('\n');
  const index = readFileSync(join(types, 'packages/waymark-snippet/src/index.d.ts'), 'utf8');
  if ((index.match(WIRE_IMPORT) ?? []).length !== 2) throw new Error('index.d.ts: expected one import and one re-export of protocol/wire');
  const header = '// Types copied from Waymark protocol/wire.ts at build time (packages/waymark-snippet/build.mjs).\n';
  writeFileSync(join(dist, 'index.d.ts'), index.replace(WIRE_IMPORT, '') + '\n' + header + copied + '\n');
  writeFileSync(join(dist, 'insert.d.ts'), readFileSync(join(types, 'packages/waymark-snippet/src/insert.d.ts'), 'utf8'));
  rmSync(types, { recursive: true, force: true });

  // The built declarations compile on their own and agree with protocol/wire.ts.
  execFileSync(tsc, ['-p', join(here, 'tsconfig.dist.json')], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
