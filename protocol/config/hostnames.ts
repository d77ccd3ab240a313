/**
 * Hostname → site mapping for proxy mode, the pure parts: which hostnames a site may list, and what
 * changed between two lists (the AdminStore keeps the KV index `host:<hostname>` → site id from it).
 * No Worker globals.
 */
import { z } from 'zod';

export const MAX_HOSTNAMES = 20;
/** KV key of the index entry for one hostname (written only by the AdminStore). */
export const hostKey = (hostname: string) => `host:${hostname}`;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** Why `value` is not a hostname as a request's Host header carries it, or null when it is one. */
export function hostnameProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'no scheme: write shop.example.com, not https://shop.example.com';
  if (value.includes('/')) return 'no path: a hostname only, like shop.example.com';
  if (/:\d*$/.test(value)) return 'no port: a hostname only, like shop.example.com';
  if (value !== value.toLowerCase()) return 'must be lowercase';
  if (value.length > 253 || !HOSTNAME.test(value)) return 'must be a hostname like shop.example.com (letters, digits, dots and hyphens)';
  return null;
}

export const hostnameSchema = z.string().superRefine((value, ctx) => {
  const problem = hostnameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A site's hostnames in proxy mode: each once, at most MAX_HOSTNAMES. */
export const hostnamesSchema = z
  .array(hostnameSchema)
  .max(MAX_HOSTNAMES, `at most ${MAX_HOSTNAMES} hostnames`)
  .superRefine((list, ctx) => {
    list.forEach((host, i) => {
      if (list.indexOf(host) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `"${host}" is listed twice` });
    });
  });

/** The hostnames a config claims (none without proxy mode). */
export function claimedHostnames(config: { proxy?: { hostnames?: readonly string[] | undefined } | undefined } | null): string[] {
  return [...(config?.proxy?.hostnames ?? [])];
}

/** What the index must gain and lose when a site's hostnames go from `before` to `after`. */
export function hostnameChanges(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const was = new Set(before);
  const is = new Set(after);
  return { added: [...is].filter((h) => !was.has(h)), removed: [...was].filter((h) => !is.has(h)) };
}
