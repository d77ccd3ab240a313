/**
 * What a visitor should see on a page (GET /_wm/decide, snippet mode): the page's URL and
 * referrer checked, then the visitor's decisions (personalize/decide-request.ts).
 */
import { z } from 'zod';
import { MAX_URL_LENGTH } from '../../../protocol/limits';
import type { Decision } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import type { PageFacts } from '../personalize/decide-request';

const pageUrl = z.url({ protocol: /^https?$/ }).max(MAX_URL_LENGTH);

export type DecideInput = {
  url: string | undefined;
  ref: string | undefined;
  /** The visitor's decisions for a page; none for a visitor without a profile yet. */
  decide: (page: PageFacts) => Promise<Decision[]>;
};

export async function decideForPage({ url, ref, decide }: DecideInput): Promise<{ decisions: Decision[] }> {
  const page = pageUrl.safeParse(url);
  if (!page.success) throw new HttpError(400, `url: must be the page's absolute http(s) URL (at most ${MAX_URL_LENGTH} characters)`);
  const referrer = pageUrl.safeParse(ref);
  return { decisions: await decide({ url: page.data, ...(referrer.success ? { referrer: referrer.data } : {}) }) };
}
