/**
 * Decides the request's consent once (consent/policy.ts) into `c.var.consent`: the site's policy,
 * the browser's Global Privacy Control header and, for a batch, the visitor's explicit choice.
 * Routes and the visitor's Durable Object read this one value; nothing decides consent again.
 */
import { createMiddleware } from 'hono/factory';
import type { ConsentState } from '../../../../protocol/wire';
import { explicitConsent, gpcFromHeader, requestConsent } from '../../consent/policy';
import type { AppVariables, EnvWith, RequestScope } from '../app-env';

function consentFrom<Needs extends keyof AppVariables = never>(explicit: (c: RequestScope<Needs>) => ConsentState | undefined) {
  return createMiddleware<EnvWith<Needs | 'site' | 'consent'>>(async (c, next) => {
    c.set('consent', requestConsent(c.var.site.consentPolicy, gpcFromHeader(c.req.header('sec-gpc')), explicit(c)));
    await next();
  });
}

/** A request without a choice in it (GET /_wm/decide): the site's policy and GPC decide. */
export const policyConsent = consentFrom(() => undefined);

/** A batch: its latest consent event, else the consent the snippet carries once the visitor chose. */
export const batchConsent = consentFrom<'batch'>((c) => explicitConsent(c.var.batch.events, c.var.batch.consent));
