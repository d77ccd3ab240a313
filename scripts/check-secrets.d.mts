// Types for scripts/check-secrets.mjs, imported by its test (scripts/check-secrets.test.ts).
export function deploySecretProblems(names: Iterable<string>): string[];
export function secretNames(json: string): string[];
