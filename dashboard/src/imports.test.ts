/// <reference types="node" />
/**
 * The dashboard's import rules, checked on its sources: protocol/ is its only bridge to the edge
 * (nothing from edge/), no zod reaches the bundle (following runtime imports, not `import type`,
 * which the build erases), and no import cycles (type imports included: they are cycles to read).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'dashboard/src');

type Edge = { spec: string; typeOnly: boolean };

// `import x from '…'`, `import type …`, `export { … } from '…'` and bare `import '…'`.
const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g;

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({ spec: m[3]!, typeOnly: m[2] !== undefined }));
}

function resolveRelative(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((f) => existsSync(f) && statSync(f).isFile());
  if (!found) throw new Error(`${relative(ROOT, from)}: cannot resolve ${spec}`);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [path] : [];
  });
}

const entries = sources(SRC);

describe('dashboard imports', () => {
  it('import nothing from edge/', () => {
    const offenders = entries.flatMap((f) =>
      importsOf(f)
        .filter((e) => e.spec.startsWith('.') && relative(ROOT, resolve(dirname(f), e.spec)).startsWith('edge'))
        .map((e) => `${relative(ROOT, f)} -> ${e.spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('reach no zod at runtime (following relative runtime imports)', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const walk = (file: string, chain: string[]) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const e of importsOf(file)) {
        if (e.typeOnly) continue;
        if (e.spec === 'zod' || e.spec.startsWith('zod/')) offenders.push([...chain, relative(ROOT, file), 'zod'].join(' -> '));
        else if (e.spec.startsWith('.')) walk(resolveRelative(file, e.spec), [...chain, relative(ROOT, file)]);
      }
    };
    for (const f of entries) walk(f, []);
    expect(offenders).toEqual([]);
  });

  it('have no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, stack: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const e of importsOf(file)) {
        if (!e.spec.startsWith('.')) continue;
        const target = resolveRelative(file, e.spec);
        if (target.startsWith(SRC)) visit(target, [...stack, file]);
      }
      state.set(file, 'done');
    };
    for (const f of entries) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
