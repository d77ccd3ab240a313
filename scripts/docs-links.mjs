#!/usr/bin/env node
// The docs-link check: every relative link and image in the repository's Markdown must reach a file
// (or folder) of the repository, and every `#anchor` a heading of the Markdown file it names, by
// GitHub's slug rules. Run by `scripts/docs-links.test.ts` in `npm run test:unit`; also runnable
// alone: `node scripts/docs-links.mjs` prints each broken link as file:line and exits 1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** README.md is the front door; everything longer belongs in docs/. */
export const README_MAX_LINES = 250;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * The lines of a Markdown file with fenced code blocks blanked (their links and headings are
 * examples, not links), so line numbers stay those of the file.
 * @param {string} markdown
 * @returns {string[]}
 */
function proseLines(markdown) {
  const lines = markdown.split(/\r?\n/);
  /** @type {string | null} */
  let fence = null;
  return lines.map((line) => {
    const open = FENCE.exec(line);
    if (fence === null && open) {
      fence = open[1][0].repeat(open[1].length);
      return '';
    }
    if (fence !== null) {
      if (line.trimStart().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') fence = null;
      return '';
    }
    return line;
  });
}

/**
 * GitHub's anchor for a heading: the rendered text (code spans and link texts kept, markup and
 * HTML tags dropped), lower-cased, every character that is not a letter, digit, space, `-` or `_`
 * dropped, and each space turned into `-`.
 * @param {string} heading
 * @returns {string}
 */
export function githubSlug(heading) {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Every anchor a Markdown file offers: one per ATX heading (a repeated slug gets `-1`, `-2`, … as
 * on GitHub) plus explicit `<a id>`/`<a name>` anchors.
 * @param {string} markdown
 * @returns {Set<string>}
 */
export function headingAnchors(markdown) {
  const anchors = new Set();
  /** @type {Map<string, number>} */
  const seen = new Map();
  for (const line of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (heading) {
      const slug = githubSlug(heading[1]);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const explicit of line.matchAll(/<a\s[^>]*?\b(?:id|name)=["']([^"']+)["']/gi)) anchors.add(explicit[1]);
  }
  return anchors;
}

/**
 * The link and image targets of a Markdown file with their line numbers: inline `[text](target)`
 * and `![alt](target)`, reference definitions `[ref]: target`, and HTML `href`/`src` attributes.
 * Code blocks, code spans and one-line HTML comments are skipped.
 * @param {string} markdown
 * @returns {{ line: number, target: string }[]}
 */
export function markdownLinks(markdown) {
  /** @type {{ line: number, target: string }[]} */
  const links = [];
  proseLines(markdown).forEach((raw, index) => {
    // Code spans and HTML comments render no link.
    const line = raw.replace(/(`+)(?:(?!\1).)+?\1|<!--.*?-->/g, (span) => ' '.repeat(span.length));
    const add = (/** @type {string} */ target) => links.push({ line: index + 1, target: target.trim() });
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      add(m[1].replace(/^<|>$/g, ''));
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (definition) add(definition[1].replace(/^<|>$/g, ''));
    for (const m of line.matchAll(/<(?:a|img|source)\s[^>]*?\b(?:href|src)=["']([^"']*)["']/gi)) add(m[1]);
  });
  return links;
}

/** Links that leave the repository (a scheme such as https: or mailto:, or a protocol-relative URL). */
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * Every broken relative link in the given Markdown files, as `file:line: link → reason`.
 * @param {Map<string, string>} markdownFiles repository path → content, for every file to check
 * @param {Set<string>} repoFiles every file path of the repository (the link targets that exist)
 * @returns {string[]}
 */
export function brokenLinks(markdownFiles, repoFiles) {
  const folders = new Set();
  for (const file of repoFiles) for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) folders.add(dir);
  /** @type {Map<string, Set<string>>} */
  const anchorCache = new Map();
  const anchorsOf = (/** @type {string} */ file) => {
    let anchors = anchorCache.get(file);
    if (!anchors) {
      anchors = headingAnchors(markdownFiles.get(file) ?? '');
      anchorCache.set(file, anchors);
    }
    return anchors;
  };

  /** @type {string[]} */
  const problems = [];
  for (const [file, content] of markdownFiles) {
    for (const { line, target } of markdownLinks(content)) {
      if (target === '' || EXTERNAL.test(target)) continue;
      const where = `${file}:${line}: ${target}`;
      const hashAt = target.indexOf('#');
      const pathPart = (hashAt === -1 ? target : target.slice(0, hashAt)).split('?')[0];
      let anchor = null;
      let path = '';
      try {
        anchor = hashAt === -1 ? null : decodeURIComponent(target.slice(hashAt + 1));
        path = decodeURIComponent(pathPart);
      } catch {
        problems.push(`${where} → malformed %-escape`);
        continue;
      }
      const resolved = path === '' ? file : posix.normalize(path.startsWith('/') ? path.slice(1) : posix.join(posix.dirname(file), path)).replace(/\/$/, '');
      if (resolved.startsWith('..')) {
        problems.push(`${where} → leaves the repository`);
        continue;
      }
      const isFile = repoFiles.has(resolved) || markdownFiles.has(resolved);
      if (!isFile && !folders.has(resolved) && resolved !== '.') {
        problems.push(`${where} → no such file: ${resolved}`);
        continue;
      }
      if (anchor && isFile && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
        problems.push(`${where} → no heading #${anchor} in ${resolved}`);
      }
    }
  }
  return problems;
}

/**
 * The repository's files as git sees them (tracked, plus new files not ignored), without
 * node_modules and build output.
 * @param {string} root
 * @returns {string[]}
 */
export function repositoryFiles(root) {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  return [...new Set(out.split('\0'))].filter((file) => file !== '' && !/(^|\/)(node_modules|dist)\//.test(file));
}

/**
 * The whole check on a repository: broken links in every Markdown file, and a README over budget.
 * @param {string} root
 * @returns {string[]}
 */
export function checkRepository(root) {
  const files = repositoryFiles(root);
  const markdown = new Map();
  for (const file of files) if (file.endsWith('.md')) markdown.set(file, readFileSync(posix.join(root, file), 'utf8'));
  const readme = markdown.get('README.md');
  return [...brokenLinks(markdown, new Set(files)), ...(readme === undefined ? ['README.md is missing'] : readmeLength(readme))];
}

/**
 * The front door's budget: README.md at most README_MAX_LINES lines.
 * @param {string} readme
 * @returns {string[]}
 */
export function readmeLength(readme) {
  const lines = readme.replace(/\n$/, '').split('\n').length;
  return lines > README_MAX_LINES ? [`README.md: ${lines} lines, more than ${README_MAX_LINES}: move the detail to docs/`] : [];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkRepository(dirname(dirname(fileURLToPath(import.meta.url))));
  for (const problem of problems) console.error(problem);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
