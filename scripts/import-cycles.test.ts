// The cycle finder on tiny in-memory graphs, and the import parser on source text.
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script with no declaration file (it must run without a build)
import { cyclePath, findCycles, relativeImports } from './import-cycles.mjs';

type Graph = Map<string, string[]>;
const graph = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

describe('findCycles', () => {
  it('finds nothing in a DAG', () => {
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('finds a two-file cycle and a longer one, each once, sorted', () => {
    const g = graph({ main: ['x', 'a'], a: ['b'], b: ['c'], c: ['a', 'd'], d: [], x: ['y'], y: ['x'] });
    expect(findCycles(g)).toEqual([
      ['a', 'b', 'c'],
      ['x', 'y'],
    ]);
  });

  it('merges cycles that share a file into one component', () => {
    expect(findCycles(graph({ a: ['b'], b: ['a', 'c'], c: ['b'] }))).toEqual([['a', 'b', 'c']]);
  });

  it('counts a file that imports itself, and edges to files outside the graph are ignored', () => {
    expect(findCycles(graph({ a: ['a', 'outside'] }))).toEqual([['a']]);
  });

  it('handles a chain deeper than the call stack would allow for recursion', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20000; i++) edges[`n${i}`] = [`n${i + 1}`];
    edges['n20000'] = ['n0'];
    expect(findCycles(graph(edges))[0]).toHaveLength(20001);
  });

  it('shows one import path around a cycle', () => {
    const g = graph({ a: ['b'], b: ['c'], c: ['a'] });
    expect(cyclePath(g, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('relativeImports', () => {
  it('reads import, import type, export from, side-effect and dynamic imports, not packages or comments', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      'import {',
      '  c,',
      "  d } from './cd.ts';",
      "export { e } from './e';",
      "export * from './f';",
      "import './side-effect';",
      "const lazy = () => import('./lazy');",
      "import { z } from 'zod';",
      " * import { doc } from './in-a-comment';",
      "// import { old } from './commented-out';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a', '../b', './cd.ts', './e', './f', './side-effect', './lazy']);
  });
});
