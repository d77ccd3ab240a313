/**
 * Decides the request's consent once (consent/policy.ts) into `c.var.consent`: the site's policy,
 * the browser's Global Privacy Control header and, for a batch, the visitor's explicit choice.
 * Routes and the visitor's Durable Object read this one value; nothing decides consent again.
 *
 * A request that carries no choice but the `wm_optout` cookie (set when this browser refused:
 * routes/collect.ts) counts as that refusal: a page whose snippet lost its stored choice (storage
 * cleared, another subdomain's tag) or a proxied page does not start a profile again.
 */
import { createMiddleware } from 'hono/factory';
import type { ConsentState } from '../../../../protocol/wire';
import { explicitConsent, gpcFromHeader, requestConsent } from '../../consent/policy';
import type { AppVariables, EnvWith, RequestScope } from '../app-env';
import { hasOptedOut } from '../visitor-cookie';

const REFUSED: ConsentState = { analytics: false, personalization: false };

function consentFrom<Needs extends keyof AppVariables = never>(explicit: (c: RequestScope<Needs>) => ConsentState | undefined) {
  return createMiddleware<EnvWith<Needs | 'site' | 'consent'>>(async (c, next) => {
    const choice = explicit(c) ?? (hasOptedOut(c) ? REFUSED : undefined);
    c.set('consent', requestConsent(c.var.site.consentPolicy, gpcFromHeader(c.req.header('sec-gpc')), choice));
    await next();
  });
}

/** A request without a choice in it (GET /_wm/decide): the site's policy and GPC decide. */
export const policyConsent = consentFrom(() => undefined);

/** A batch: its latest consent event, else the consent the snippet carries once the visitor chose. */
export const batchConsent = consentFrom<'batch'>((c) => explicitConsent(c.var.batch.events, c.var.batch.consent));
