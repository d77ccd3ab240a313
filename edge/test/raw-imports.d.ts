/** Vite's `?raw` imports (a file's text), used by edge/test/openapi.test.ts to read docs/openapi.md inside workerd. */
declare module '*.md?raw' {
  const text: string;
  export default text;
}
