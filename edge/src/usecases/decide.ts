/**
 * What a visitor should see on a page (GET /_wm/decide, snippet mode): the page's URL and
 * referrer checked, then the visitor's decisions (personalize/decide-request.ts).
 */
import { z } from 'zod';
import { MAX_URL_LENGTH } from '../../../protocol/limits';
import type { Decision } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import { normalizeLocale } from '../../../protocol/locale';
import type { PageFacts } from '../personalize/decide-request';

const pageUrl = z.url({ protocol: /^https?$/ }).max(MAX_URL_LENGTH);

export type DecideInput = {
  url: string | undefined;
  ref: string | undefined;
  /** The page's lang (document.documentElement.lang) and navigator.language, as wm-ui.js sends them (docs/localized-content.md). */
  lang?: string | undefined;
  nav?: string | undefined;
  /** The visitor's decisions for a page; none for a visitor without a profile yet. */
  decide: (page: PageFacts) => Promise<Decision[]>;
};

export async function decideForPage({ url, ref, lang, nav, decide }: DecideInput): Promise<{ decisions: Decision[] }> {
  const page = pageUrl.safeParse(url);
  if (!page.success) throw new HttpError(400, `url: must be the page's absolute http(s) URL (at most ${MAX_URL_LENGTH} characters)`);
  const referrer = pageUrl.safeParse(ref);
  // A lang that is not a tag (or none) is a page without a usable lang: '' says the page was asked.
  const pageLang = lang === undefined ? {} : { pageLang: normalizeLocale(lang.slice(0, 100)) ?? '' };
  const language = normalizeLocale(nav?.slice(0, 100));
  return {
    decisions: await decide({
      url: page.data,
      ...(referrer.success ? { referrer: referrer.data } : {}),
      ...pageLang,
      ...(language ? { language } : {}),
    }),
  };
}
