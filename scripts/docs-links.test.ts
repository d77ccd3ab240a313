// The docs-link check: first the checker itself on small fixtures (so it cannot pass by finding
// nothing), then the repository's own Markdown, which must have no broken relative link and a
// README of at most 250 lines.
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script with no declaration file (it must run without a build)
import { brokenLinks, checkRepository, githubSlug, headingAnchors, markdownLinks, readmeLength, repositoryFiles } from './docs-links.mjs';

const check = (files: Record<string, string>, others: string[] = []): string[] =>
  brokenLinks(new Map(Object.entries(files)), new Set([...Object.keys(files), ...others]));

describe('githubSlug', () => {
  it.each([
    ['Two commands', 'two-commands'],
    ['Proxy mode: personalized HTML with no flicker', 'proxy-mode-personalized-html-with-no-flicker'],
    ['Endpoints (all under `/_wm/` on the site’s own origin)', 'endpoints-all-under-_wm-on-the-sites-own-origin'],
    ['Marketer content: safe targets, content hosts', 'marketer-content-safe-targets-content-hosts'],
    ["`wm('reset')`, for logout", 'wmreset-for-logout'],
    ['Shards: analytics past one [Durable Object](x.md)', 'shards-analytics-past-one-durable-object'],
    ['Cost estimate at 100M events/month', 'cost-estimate-at-100m-eventsmonth'],
    ['Über — a test', 'über--a-test'],
  ])('%s → %s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });
});

describe('headingAnchors', () => {
  it('numbers repeated headings like GitHub, ignores headings in code blocks and reads explicit anchors', () => {
    const anchors: Set<string> = headingAnchors(['# Tests', '## Tests', '```sh', '# not a heading', '```', '### Tests ###', '<a id="custom"></a>'].join('\n'));
    expect([...anchors].sort()).toEqual(['custom', 'tests', 'tests-1', 'tests-2']);
  });
});

describe('markdownLinks', () => {
  it('finds inline links, images, reference definitions and HTML links with their lines, not those in code or comments', () => {
    const markdown = [
      'See [the guide](docs/guide.md#setup "title") and ![chart](img/chart.svg).',
      '`[not a link](nowhere.md)`',
      '```md',
      '[also not](nowhere.md)',
      '```',
      '[ref]: ../other.md',
      '<a href="page.md">page</a> [paren](<with space.md>) <!-- [later](not-yet.md) -->',
    ].join('\n');
    expect(markdownLinks(markdown)).toEqual([
      { line: 1, target: 'docs/guide.md#setup' },
      { line: 1, target: 'img/chart.svg' },
      { line: 6, target: '../other.md' },
      { line: 7, target: 'with space.md' },
      { line: 7, target: 'page.md' },
    ]);
  });
});

describe('brokenLinks', () => {
  const target = '# Deploy\n\n## The secrets\n\n## The secrets\n';

  it('accepts good links: files, folders, anchors (repeated ones too), same-file anchors, external URLs', () => {
    expect(
      check(
        {
          'README.md': '[deploy](docs/deploy.md#the-secrets-1) [code](edge/src/) [test](edge/x.test.ts#L3) [top](#intro)\n\n# Intro\n',
          'docs/deploy.md': `${target}[back](../README.md#intro) [web](https://example.com/a.md#nope) [mail](mailto:a@b.c)\n`,
        },
        ['edge/src/a.ts', 'edge/x.test.ts'],
      ),
    ).toEqual([]);
  });

  it('fails on a missing file, naming file:line and the link', () => {
    expect(check({ 'docs/a.md': 'intro\n\nsee [the test](../e2e/gone.spec.ts)\n' })).toEqual([
      'docs/a.md:3: ../e2e/gone.spec.ts → no such file: e2e/gone.spec.ts',
    ]);
  });

  it('fails on a missing anchor, in another file or in the same one', () => {
    expect(check({ 'README.md': '[a](docs/deploy.md#secrets)\n[b](#nowhere)\n', 'docs/deploy.md': target })).toEqual([
      'README.md:1: docs/deploy.md#secrets → no heading #secrets in docs/deploy.md',
      'README.md:2: #nowhere → no heading #nowhere in README.md',
    ]);
  });

  it('fails on a missing image and on a link that leaves the repository', () => {
    expect(check({ 'docs/a.md': '![x](shots/missing.png)\n[up](../../outside.md)\n' })).toEqual([
      'docs/a.md:1: shots/missing.png → no such file: docs/shots/missing.png',
      'docs/a.md:2: ../../outside.md → leaves the repository',
    ]);
  });
});

describe('readmeLength', () => {
  it('allows 250 lines (a final newline is not a line) and fails on 251', () => {
    const lines = (n: number): string => `${Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    expect(readmeLength(lines(250))).toEqual([]);
    expect(readmeLength(lines(251))).toEqual(['README.md: 251 lines, more than 250: move the detail to docs/']);
  });
});

describe('this repository', () => {
  it('lists its Markdown files (so the check below has something to check)', () => {
    const files: string[] = repositoryFiles(process.cwd());
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith('docs/') && file.endsWith('.md')).length).toBeGreaterThan(5);
    expect(files.some((file) => file.includes('node_modules/'))).toBe(false);
  });

  it('has no broken relative link in any Markdown file, and a README of at most 250 lines', () => {
    const problems: string[] = checkRepository(process.cwd());
    expect(problems, `broken docs links:\n${problems.join('\n')}`).toEqual([]);
  });
});
