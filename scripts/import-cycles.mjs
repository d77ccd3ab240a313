#!/usr/bin/env node
// Import cycles in our own code: every relative import (`import`, `import type`, `export … from`,
// `import()`) between the .ts/.tsx/.mjs files of the source roots below. Prints each cycle (a
// strongly connected component of two or more files, or a file importing itself) and exits 1.
// No dependencies: it reads the files as text, so it runs before `npm ci` has built anything.
//   npm run check:cycles
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOTS = ['edge/src', 'dashboard/src', 'protocol', 'snippet/src'];
const SOURCE = /\.(ts|tsx|mjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.wrangler']);

// Statements that start a line: `import … from './x'` (also `import type`), `export … from './x'`
// and bare `import './x'`; the `…` holds no quote, so it may span lines (`{ a,\n b }`) but never
// runs past a string. Anywhere: `import('./x')`. Lines inside comments start with `*` or `//`.
const STATIC = /^[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])(\.{1,2}\/[^'"]*)\1|^[ \t]*import\s*(['"])(\.{1,2}\/[^'"]*)\3/gm;
const DYNAMIC = /\bimport\s*\(\s*(['"])(\.{1,2}\/[^'"]*)\1\s*\)/g;

/** The relative specifiers a source text imports. */
export function relativeImports(text) {
  const found = [];
  for (const m of text.matchAll(STATIC)) found.push(m[2] ?? m[4]);
  for (const m of text.matchAll(DYNAMIC)) found.push(m[2]);
  return found;
}

/** The file a specifier names, the way the bundler resolves it: as written, with an extension, or an index file. */
function resolveSpecifier(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(js|mjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mjs`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(join(dir, e.name));
    return SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [];
  });
}

/** file -> the files it imports, for every source file under the roots (paths relative to `repo`). */
export function importGraph(repo, roots = ROOTS) {
  const graph = new Map();
  for (const file of roots.flatMap((r) => sourceFiles(join(repo, r)))) {
    const targets = relativeImports(readFileSync(file, 'utf8'))
      .map((s) => resolveSpecifier(file, s))
      .filter((t) => t !== undefined)
      .map((t) => relative(repo, t));
    graph.set(relative(repo, file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * Tarjan's strongly connected components, iteratively (no recursion limit on deep chains).
 * Returns the cycles: components of two or more nodes, and single nodes with an edge to themselves.
 * Each cycle is sorted, and the list is sorted by its first node, so the output is stable.
 */
export function findCycles(graph) {
  const index = new Map();
  const lowlink = new Map();
  const onStack = new Set();
  const stack = [];
  const cycles = [];
  let next = 0;
  const edges = (n) => graph.get(n) ?? [];

  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [{ node: start, i: 0 }];
    index.set(start, next);
    lowlink.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges(frame.node);
      if (frame.i < out.length) {
        const to = out[frame.i++];
        if (!index.has(to)) {
          index.set(to, next);
          lowlink.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          lowlink.set(frame.node, Math.min(lowlink.get(frame.node), index.get(to)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        lowlink.set(parent, Math.min(lowlink.get(parent), lowlink.get(frame.node)));
      }
      if (lowlink.get(frame.node) !== index.get(frame.node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || edges(frame.node).includes(frame.node)) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** One import path around the component, from its first file back to it, for the report. */
export function cyclePath(graph, component) {
  const members = new Set(component);
  const start = component[0];
  // Breadth-first from start to the shortest way back to start inside the component.
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let n = node; n !== start; n = previous.get(n)) path.splice(1, 0, n);
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

function main() {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const graph = importGraph(repo);
  const cycles = findCycles(graph);
  if (cycles.length === 0) {
    console.log(`import-cycles: no cycles in ${graph.size} files (${ROOTS.join(', ')})`);
    return;
  }
  console.error(`import-cycles: ${cycles.length} cycle(s) in ${graph.size} files`);
  for (const [n, component] of cycles.entries()) {
    console.error(`\n${n + 1}. ${component.length} files: ${component.join(', ')}`);
    console.error(`   e.g. ${cyclePath(graph, component).join(' -> ')}`);
  }
  process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
