/**
 * Reads a request body as UTF-8 text without ever buffering more than `maxBytes`: a client that
 * lies in Content-Length, or streams without one, is cut off at the limit.
 */
import { HttpError } from './errors';

const ACCEPTED_TYPES = ['text/plain', 'application/json'];

/** sendBeacon and fetch send text/plain (no CORS preflight); API clients send application/json. */
export function assertJsonLikeContentType(header: string | null | undefined): void {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED_TYPES.includes(type)) {
    throw new HttpError(415, `content-type must be text/plain or application/json, got "${type || 'none'}"`);
  }
}

export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new HttpError(413, `body is larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) throw new HttpError(400, 'body is empty');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (total === 0) throw new HttpError(400, 'body is empty');
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, 'body is not valid UTF-8');
  }
}
