/**
 * Settings > Segment: the write key of the Segment HTTP Tracking API (POST /_wm/v1/*), shown when
 * asked for and rotatable, with the `curl` and `@segment/analytics-node` set-up
 * (docs/migrating-from-segment.md). The key is a server secret: it never goes in page code (the
 * analytics.js drop-in takes the site id instead).
 */
import { useState } from 'preact/hooks';
import type { SegmentKeyResponse } from '../../../protocol/segment';
import { call } from '../api';
import { ErrorBanner } from '../ui';

const keyPath = (site: string) => `/sites/${encodeURIComponent(site)}/segment-key`;

export function SegmentKey({ siteId, origin }: { siteId: string; origin: string }) {
  const [key, setKey] = useState<SegmentKeyResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rotated, setRotated] = useState(false);
  const run = async (f: () => Promise<SegmentKeyResponse>) => {
    setError(null);
    try {
      setKey(await f());
    } catch (err) {
      setError(err);
    }
  };
  const show = () => run(() => call<SegmentKeyResponse>('GET', keyPath(siteId)));
  const rotate = () => {
    if (!confirm('Rotate the write key? Servers that send with the current key get 401 until they use the new one.')) return;
    void run(async () => {
      const next = await call<SegmentKeyResponse>('POST', `${keyPath(siteId)}/rotate`, {});
      setRotated(true);
      return next;
    });
  };
  const examples =
    key &&
    `# curl\ncurl ${origin}${key.pathPrefix}/track -u '${key.writeKey}:' -H 'content-type: application/json' \\\n  -d '{"userId":"019mr8mf4r","event":"Item Purchased","properties":{"revenue":14.99}}'\n\n` +
      `// Node, @segment/analytics-node\nconst analytics = new Analytics({ writeKey: process.env.WAYMARK_WRITE_KEY, host: '${origin}', path: '${key.pathPrefix}/batch' });`;
  return (
    <div class="segment-key">
      <ErrorBanner error={error} />
      {key === null ? (
        <button type="button" class="btn small" onClick={show}>
          Show the write key
        </button>
      ) : (
        <>
          <p class="hint block">
            Keep it on your server (an environment variable), never in page code. {rotated ? 'Rotated: the previous key no longer works.' : ''}
          </p>
          <label class="sr-only" for="segment-write-key">
            write key
          </label>
          <input id="segment-write-key" class="code" readOnly value={key.writeKey} spellcheck={false} />
          <label class="sr-only" for="segment-examples">
            set-up examples
          </label>
          <textarea id="segment-examples" class="code" readOnly rows={examples ? examples.split('\n').length : 1} value={examples || ''} spellcheck={false} />
          <button type="button" class="btn small" onClick={rotate}>
            Rotate the write key
          </button>
        </>
      )}
    </div>
  );
}
