#!/usr/bin/env node
/**
 * Prints the WM_ADMIN_PASSWORD_HASH for a password (same format and algorithm as
 * edge/src/admin/password.ts): `npm run admin:hash -- 'my password'`, or pipe it on stdin
 * (`printf %s 'my password' | npm run -s admin:hash`) to keep it out of the shell history.
 * Then: `npm run -s admin:hash | npx wrangler secret put WM_ADMIN_PASSWORD_HASH --env production`.
 */
import { webcrypto } from 'node:crypto';

// The Workers runtime refuses PBKDF2 above 100,000 iterations.
const ITERATIONS = 100_000;

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

async function readStdin() {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const password = process.argv[2] ?? (await readStdin());
if (!password) {
  process.stderr.write('usage: admin-hash.mjs <password>   (or the password on stdin)\n');
  process.exit(2);
}
const salt = webcrypto.getRandomValues(new Uint8Array(16));
const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
const bits = await webcrypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITERATIONS }, key, 256);
process.stdout.write(`pbkdf2-sha256$${ITERATIONS}$${b64url(salt)}$${b64url(new Uint8Array(bits))}\n`);
