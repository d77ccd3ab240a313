/**
 * The mapping table (destinations-mapping.ts) against docs/destinations.md and against the mapping
 * code: the event names it promises for page, identify and group are what each provider module sends.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DESTINATION_KINDS, KIND_LABELS, MAPPINGS, type DestinationKind } from './destinations-mapping';
import type { ForwardEvent, ForwardableEvent } from '../edge/src/destinations/providers/common';
import { ga4EventName } from '../edge/src/destinations/providers/ga4';
import { mixpanelEventName } from '../edge/src/destinations/providers/mixpanel';
import { posthogEventName } from '../edge/src/destinations/providers/posthog';
import { segmentCall } from '../edge/src/destinations/providers/segment';
import { amplitudeEventType } from '../edge/src/destinations/providers/amplitude';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../docs/destinations.md'), 'utf8');

/** The table rows under `### <label> (`kind`)`. */
function docRows(kind: DestinationKind): { waymark: string; provider: string }[] {
  const section = (doc.split(/^### /m).find((s) => s.startsWith(`${KIND_LABELS[kind]} (\`${kind}\`)`)) ?? '').split(/^## /m)[0]!;
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .map(([waymark, provider]) => ({ waymark: waymark!, provider: provider! }));
}

describe('the destinations mapping', () => {
  it('docs/destinations.md shows each kind’s table exactly', () => {
    for (const kind of DESTINATION_KINDS) expect(docRows(kind), kind).toEqual(MAPPINGS[kind]);
  });

  it('the event names it promises are the ones the code sends', () => {
    const base = { id: 'evt-00000001', ts: 1, sid: 'sess-0001', url: 'https://shop.example/' };
    const events: Record<string, ForwardableEvent> = {
      page: { ...base, type: 'page' },
      identify: { ...base, type: 'identify', userId: 'u1' },
      group: { ...base, type: 'group', groupId: 'g1' },
    };
    const names: Record<Exclude<DestinationKind, 'webhook'>, (f: ForwardEvent) => string> = {
      ga4: ga4EventName,
      mixpanel: mixpanelEventName,
      posthog: posthogEventName,
      segment: (f) => segmentCall(f).type,
      amplitude: amplitudeEventType,
    };
    for (const [kind, nameOf] of Object.entries(names)) {
      for (const [type, event] of Object.entries(events)) {
        const row = MAPPINGS[kind as DestinationKind].find((r) => r.waymark === type);
        expect(row?.provider, `${kind} ${type}`).toContain(`\`${nameOf({ event, visitorId: 'v', userId: null, receivedAt: 1 })}\``);
      }
    }
  });
});
