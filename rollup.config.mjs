// Builds the browser snippet and lays out the static files the worker serves.
//   dist/snippet/wm.js        the snippet (minified IIFE; size budget checked by a test)
//   dist/snippet/wm-ui.js     slot rendering and in-app messages, loaded by wm.js on demand
//                             (own budget; see snippet/src/ui/index.ts)
//   dist/snippet/analytics.js the optional Segment analytics.js drop-in on top of wm() (own budget;
//                             snippet/src/segment/analytics.ts)
//   dist/snippet/wm-consent.js  consent platforms (data-cmp), loaded by wm.js when its tag names one
//                             (own budget; see snippet/consent-platforms/index.ts)
//   dist/snippet/wm-editor.js the dashboard's visual editor overlay, loaded only by wm-ui.js's preview
//                             path in a page the dashboard frames (own budget; snippet/src/editor/index.ts)
//   dist/snippet/wm-qa.js     the QA/preview session's badge, loaded by wm-ui.js only in such a session
//   dist/snippet/wm-more.js   choice and form capture (data-wm-pref, data-wm-form), loaded by wm.js
//                             only when the page has such elements (snippet/src/capture.ts)
//   dist/public/              what `wrangler dev` serves: the snippet under /_wm/, the demo shop
//                             and the e2e fixtures under /fixtures/
//   dist/edge-public/         what production serves: the snippet and the dashboard (see wrangler.toml)
//   dist/dashboard/app.js     the marketer dashboard (Preact), copied with dashboard/{index.html,
//                             app.css,preview.css} to _wm/dashboard/ in both directories above
// Every build prints raw / gzip / brotli bytes so a change that adds bytes is seen in review.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import resolve from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';

const SNIPPET_FILES = ['wm.js', 'wm.debug.js', 'wm-ui.js', 'analytics.js', 'wm-consent.js', 'wm-editor.js', 'wm-qa.js', 'wm-more.js'];
const DASHBOARD_STATIC = ['index.html', 'app.css', 'preview.css'];

export function sizes(file) {
  const code = readFileSync(file);
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** After the snippet is written: copy it next to the demo shop and report its size. */
function layoutAndReport() {
  return {
    name: 'waymark-layout',
    writeBundle() {
      rmSync('dist/public', { recursive: true, force: true });
      rmSync('dist/edge-public', { recursive: true, force: true });
      cpSync('e2e/demo', 'dist/public', { recursive: true });
      // One HTML fixture per e2e scenario, served at /fixtures/… (local dev only, never deployed).
      if (existsSync('e2e/fixtures')) cpSync('e2e/fixtures', 'dist/public/fixtures', { recursive: true });
      for (const dir of ['dist/public/_wm', 'dist/edge-public/_wm']) {
        mkdirSync(dir, { recursive: true });
        for (const f of SNIPPET_FILES) cpSync(`dist/snippet/${f}`, `${dir}/${f}`);
      }
      for (const dir of ['dist/public/_wm/dashboard', 'dist/edge-public/_wm/dashboard']) {
        mkdirSync(dir, { recursive: true });
        for (const f of DASHBOARD_STATIC) cpSync(`dashboard/${f}`, `${dir}/${f}`);
        cpSync('dist/dashboard/app.js', `${dir}/app.js`);
      }
      // The dashboard's security headers (CSP) live in the assets root's _headers file.
      for (const dir of ['dist/public', 'dist/edge-public']) cpSync('dashboard/_headers', `${dir}/_headers`);
      for (const f of SNIPPET_FILES) {
        const s = sizes(`dist/snippet/${f}`);
        console.log(`dist/snippet/${f}: ${s.raw} B raw, ${s.gzip} B gzip -9, ${s.brotli} B brotli`);
      }
    },
  };
}

const terserOptions = {
  ecma: 2019,
  compress: { passes: 3, unsafe_arrows: true, pure_getters: true, unsafe_comps: true },
  // Our private fields start with _; the TCF API's global (__tcfapi, wm-consent.js) is not ours.
  mangle: { properties: { regex: /^_/, reserved: ['__tcfapi'] } },
  format: { comments: false },
};

/**
 * wm.js is the production build; wm.debug.js the same code with console logging kept; wm-ui.js
 * the lazily loaded renderer (one build: it logs nothing).
 */
const snippet = (file, debug, input = 'snippet/src/index.ts') => ({
  input,
  // protocol/content/targets.ts builds Sets at module level for the edge; wm-ui.js uses only its
  // string, and without this rollup keeps the unused Sets (a constructor may have side effects).
  treeshake: { manualPureFunctions: ['Set'] },
  output: { file, format: 'iife', strict: false },
  plugins: [
    resolve({ browser: true }),
    esbuild({ target: 'es2019', tsconfig: 'snippet/tsconfig.json', define: { DEBUG: String(debug) } }),
    terser(terserOptions),
    ...(debug ? [layoutAndReport()] : []),
  ],
});

/** The dashboard: an ES module for current browsers (no budget; it is for marketers, not visitors). */
const dashboard = {
  input: 'dashboard/src/main.tsx',
  output: { file: 'dist/dashboard/app.js', format: 'es' },
  plugins: [
    resolve({ browser: true }),
    esbuild({ target: 'es2022', tsconfig: 'dashboard/tsconfig.json', jsx: 'automatic', jsxImportSource: 'preact' }),
    terser({ ecma: 2020, module: true, format: { comments: false } }),
  ],
};

// The debug build goes last: its writeBundle lays out all files once they exist.
export default [
  snippet('dist/snippet/wm.js', false),
  snippet('dist/snippet/wm-ui.js', false, 'snippet/src/ui/index.ts'),
  snippet('dist/snippet/analytics.js', false, 'snippet/src/segment/analytics.ts'),
  snippet('dist/snippet/wm-consent.js', false, 'snippet/consent-platforms/index.ts'),
  snippet('dist/snippet/wm-editor.js', false, 'snippet/src/editor/index.ts'),
  snippet('dist/snippet/wm-qa.js', false, 'snippet/src/ui/qa-badge.ts'),
  snippet('dist/snippet/wm-more.js', false, 'snippet/src/more.ts'),
  dashboard,
  snippet('dist/snippet/wm.debug.js', true),
];
