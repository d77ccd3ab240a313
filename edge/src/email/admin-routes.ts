/**
 * The admin API of e-mail, mounted at /_wm/admin/api/sites/:site/email (routes.ts; sessions, CSRF
 * and permissions are the admin API's middleware, ROUTE_RULES "E-mail"). Thin: validate with
 * protocol/email.ts, then one call. The settings (templates, sender, provider, cap) are part of
 * the site config and go through SiteAdmin's versioned write; the provider token is write-only.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { siteResponseSchema, type SiteResponse } from '../../../protocol/admin';
import { emailSettingsSchema, type EmailTemplate } from '../../../protocol/config/email';
import { grants } from '../../../protocol/api-tokens';
import {
  emailLogResponseSchema,
  emailPreviewBodySchema,
  emailPreviewResponseSchema,
  emailTestBodySchema,
  emailTestResponseSchema,
  providerStatusSchema,
  providerTokenBodySchema,
  suppressionBodySchema,
  suppressionParamsSchema,
  suppressionsResponseSchema,
  type EmailLogResponse,
  type EmailPreviewResponse,
  type EmailTestResponse,
  type ProviderStatus,
  type SuppressionsResponse,
} from '../../../protocol/email';
import type { ProfileExport } from '../../../protocol/wire';
import { siteIdSchema } from '../../../protocol/wire';
import { logLimitQuerySchema } from '../../../protocol/admin';
import { siteAdmin } from '../admin/objects';
import type { AdminContext, AdminEnv } from '../admin/auth';
import { declareRoute, errors, json, jsonBody, type AdminRoute } from '../admin/openapi';
import { parseInput, readJson, baseVersionOf } from '../admin/request';
import { HttpError } from '../http/errors';
import { goldenRecordName } from '../identity/stitch';
import { visitorStub } from '../profile/stub';
import { redactSecrets } from '../webhooks/secret';
import { composeEmail, logStatus } from './deliver';
import { checkSend, normalizeAddress } from './policy';
import { lookup, mergePaths, renderEmail } from './render';
import { emailTransport } from './transports';
import { afterAttempt } from '../webhooks/retry';

export const emailApi = new OpenAPIHono<AdminEnv>();
const EMAIL_MOUNT = '/sites/{site}/email';
function declareEmail<const Path extends string>(route: AdminRoute & { path: Path }, handler: Parameters<typeof declareRoute<Path>>[2]): void {
  declareRoute(emailApi, route, handler, EMAIL_MOUNT);
}

const siteParams = z.object({ site: siteIdSchema });

function siteOf(c: AdminContext): string {
  const site = siteParams.shape.site.safeParse(c.req.param('site'));
  if (!site.success)
    throw new HttpError(400, `site: ${site.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ path: 'site', message: site.error.issues[0]?.message ?? 'invalid' }],
    });
  return site.data;
}

async function configOf(c: AdminContext, site: string) {
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  return config;
}

/** A profile's export by visitor id or user id (a user's golden record), or null when none is stored. */
async function profileOf(c: AdminContext, site: string, by: { visitorId?: string | undefined; userId?: string | undefined }): Promise<ProfileExport | null> {
  let text: string | null = null;
  if (by.visitorId) text = await visitorStub(c.env, site, by.visitorId).exportProfile(site, by.visitorId);
  else if (by.userId) text = await c.env.VISITORS.get(c.env.VISITORS.idFromName(goldenRecordName(site, by.userId))).exportProfile(site, by.userId);
  if (text === null) return null;
  const profile = JSON.parse(text) as ProfileExport;
  return profile.firstSeen === null && profile.eventCount === 0 ? null : profile;
}

declareEmail(
  {
    method: 'put',
    path: '/settings',
    operationId: 'putEmailSettings',
    summary: 'Replace the site’s e-mail settings (templates, sender, provider, cap)',
    tags: ['Email'],
    request: {
      params: siteParams,
      query: z.object({ version: z.string().optional() }),
      body: jsonBody(emailSettingsSchema, 'The e-mail settings (config/email.ts).'),
    },
    responses: { 200: json(siteResponseSchema, 'The new config and its version.'), ...errors(400, 401, 403, 404, 409) },
  },
  async (c) => {
    const site = siteOf(c);
    const body = await readJson(c);
    const email = parseInput(emailSettingsSchema, body, 'body');
    const current = await configOf(c, site);
    const { actor, permission } = c.get('principal');
    const result = await siteAdmin(c.env, site).write(
      site,
      { kind: 'put-site', config: { ...current, email } },
      baseVersionOf(c),
      actor,
      grants(permission, 'publish'),
    );
    c.header('Cache-Control', 'no-store');
    if (result.ok) return c.json({ site: redactSecrets(result.config), version: result.config.version } satisfies SiteResponse);
    const { ok: _ok, status, ...rest } = result;
    return c.json(rest, status);
  },
);

declareEmail(
  {
    method: 'post',
    path: '/preview',
    operationId: 'previewEmail',
    summary: 'Render a template for a profile (visitor id or user id)',
    tags: ['Email'],
    request: { params: siteParams, body: jsonBody(emailPreviewBodySchema) },
    responses: { 200: json(emailPreviewResponseSchema, 'The subject, HTML and text as that profile would get them.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const body = parseInput(emailPreviewBodySchema, await readJson(c), 'body');
    const config = await configOf(c, site);
    const settings = emailSettingsSchema.parse(config.email ?? {});
    let template: EmailTemplate | undefined = body.draft;
    if (body.template !== undefined) {
      template = settings.templates.find((t) => t.id === body.template);
      if (!template) throw new HttpError(404, `no e-mail template "${body.template}" in site "${site}"`);
    }
    const chosen = Boolean(body.visitorId ?? body.userId);
    const profile = chosen ? await profileOf(c, site, body) : null;
    if (chosen && !profile)
      throw new HttpError(404, `no profile for ${body.visitorId ? `visitor "${body.visitorId}"` : `user "${body.userId}"`} in site "${site}"`);
    const data = {
      traits: profile?.traits ?? {},
      prefs: profile?.prefs ?? {},
      userId: profile?.userId ?? null,
      site: { id: config.id, name: config.name },
      // The real link is signed per e-mail; the preview shows where it goes.
      unsubscribeUrl: `${config.email?.unsubscribeOrigin ?? config.origins[0] ?? ''}/_wm/email/unsubscribe?site=${site}&t=preview`,
    };
    const rendered = renderEmail(template!, data);
    let wouldSend: EmailPreviewResponse['wouldSend'] = null;
    if (profile) {
      const check = await checkSend({ ...settings, templates: [template!] }, profile, template!.id, {
        suppressed: (address) => siteAdmin(c.env, site).emailSuppressed(site, address),
        // The cap is counted in the profile when it sends; the preview cannot see it.
        sentInWindow: () => 0,
        now: Date.now(),
      });
      wouldSend = check.ok ? { ok: true, reason: null, detail: null } : { ok: false, reason: check.reason, detail: check.detail };
    }
    const fields = mergePaths(template!).map((path) => ({ path, present: lookup(path, data) !== undefined }));
    return c.json({ ...rendered, wouldSend, fields } satisfies EmailPreviewResponse);
  },
);

declareEmail(
  {
    method: 'post',
    path: '/test',
    operationId: 'sendTestEmail',
    summary: 'Send a template to one address now (no profile: defaults show)',
    tags: ['Email'],
    request: { params: siteParams, body: jsonBody(emailTestBodySchema) },
    responses: { 200: json(emailTestResponseSchema, 'What the provider answered (also in the delivery log).'), ...errors(400, 401, 403, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const body = parseInput(emailTestBodySchema, await readJson(c), 'body');
    const config = await configOf(c, site);
    const settings = config.email;
    const template = settings?.templates.find((t) => t.id === body.template);
    if (!settings || !template) throw new HttpError(404, `no e-mail template "${body.template}" in site "${site}"`);
    if (!settings.sender) throw new HttpError(400, 'set the sender first (email.sender)', { issues: [{ path: 'sender', message: 'required to send' }] });
    const id = crypto.randomUUID();
    const to = normalizeAddress(body.to);
    const email = await composeEmail(
      config,
      template,
      to,
      { traits: {}, prefs: {}, userId: null, key: { kind: 'v', id: `test:${id}` } },
      id,
      c.env.WM_SECRET,
      Date.now(),
    );
    if (!email)
      throw new HttpError(400, 'no origin for the unsubscribe link: set email.unsubscribeOrigin or an origin', {
        issues: [{ path: 'unsubscribeOrigin', message: 'required' }],
      });
    const transport = await emailTransport(settings, {
      env: c.env,
      token: () => siteAdmin(c.env, site).emailToken(site),
      fetcher: (i, init) => fetch(i, init),
    });
    const result = await transport.send(email);
    // One attempt: a test is not retried, whatever the answer.
    const outcome = afterAttempt(10_000, result, Date.now());
    const status = logStatus(outcome, result);
    const reason = outcome.kind === 'delivered' ? null : (result.error ?? `HTTP ${result.status}`);
    const { actor } = c.get('principal');
    await siteAdmin(c.env, site).recordEmail(site, {
      at: Date.now(),
      delivery: id,
      journey: '(test)',
      step: actor,
      template: template.id,
      recipient: to,
      status,
      reason,
      provider: transport.provider,
      providerMessageId: result.providerId ?? null,
      attempt: 1,
    });
    return c.json({ status, reason, providerMessageId: result.providerId ?? null } satisfies EmailTestResponse);
  },
);

declareEmail(
  {
    method: 'get',
    path: '/deliveries',
    operationId: 'getEmailDeliveries',
    summary: 'The e-mail delivery log, newest first',
    tags: ['Email'],
    request: { params: siteParams, query: logLimitQuerySchema },
    responses: { 200: json(emailLogResponseSchema, 'Sends, skips (with why), retries, failures and bounces.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
    await configOf(c, site);
    return c.json({ deliveries: await siteAdmin(c.env, site).emailDeliveries(site, limit) } satisfies EmailLogResponse);
  },
);

declareEmail(
  {
    method: 'get',
    path: '/suppressions',
    operationId: 'getEmailSuppressions',
    summary: 'The suppression list, newest first',
    tags: ['Email'],
    request: { params: siteParams, query: logLimitQuerySchema },
    responses: { 200: json(suppressionsResponseSchema, 'Addresses no e-mail goes to, and why.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
    await configOf(c, site);
    return c.json({ suppressions: await siteAdmin(c.env, site).emailSuppressions(site, limit) } satisfies SuppressionsResponse);
  },
);

declareEmail(
  {
    method: 'post',
    path: '/suppressions',
    operationId: 'addEmailSuppression',
    summary: 'Add an address to the suppression list',
    tags: ['Email'],
    request: { params: siteParams, body: jsonBody(suppressionBodySchema) },
    responses: { 200: json(suppressionsResponseSchema, 'The list after the change.'), ...errors(400, 401, 403, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const body = parseInput(suppressionBodySchema, await readJson(c), 'body');
    await configOf(c, site);
    const admin = siteAdmin(c.env, site);
    const { actor } = c.get('principal');
    await admin.suppressEmail(site, normalizeAddress(body.address), body.reason ?? `added by ${actor}`, actor);
    return c.json({ suppressions: await admin.emailSuppressions(site, 100) } satisfies SuppressionsResponse);
  },
);

declareEmail(
  {
    method: 'delete',
    path: '/suppressions/{address}',
    operationId: 'removeEmailSuppression',
    summary: 'Remove an address from the suppression list',
    tags: ['Email'],
    request: { params: siteParams.extend(suppressionParamsSchema.shape) },
    responses: { 200: json(suppressionsResponseSchema, 'The list after the change.'), ...errors(400, 401, 403, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const { address } = parseInput(suppressionParamsSchema, { address: c.req.param('address') }, 'path');
    await configOf(c, site);
    const admin = siteAdmin(c.env, site);
    if (!(await admin.unsuppressEmail(site, normalizeAddress(address), c.get('principal').actor)))
      throw new HttpError(404, `"${address}" is not on the suppression list`);
    return c.json({ suppressions: await admin.emailSuppressions(site, 100) } satisfies SuppressionsResponse);
  },
);

async function providerStatus(c: AdminContext, site: string): Promise<ProviderStatus> {
  const config = await configOf(c, site);
  const token = await siteAdmin(c.env, site).emailToken(site);
  const provider = config.email?.provider ?? 'cloudflare';
  return {
    provider,
    tokenSet: token !== null,
    tokenLast4: token === null ? null : token.slice(-4),
    bindingPresent: Boolean(c.env.EMAIL),
    demoMailbox: c.env.WM_DEMO === '1' && provider === 'cloudflare',
  };
}

declareEmail(
  {
    method: 'get',
    path: '/provider',
    operationId: 'getEmailProvider',
    summary: 'The provider in use and whether its token is set (never the token)',
    tags: ['Email'],
    request: { params: siteParams },
    responses: { 200: json(providerStatusSchema, 'Provider status.'), ...errors(400, 401, 404) },
  },
  async (c) => c.json(await providerStatus(c, siteOf(c))),
);

declareEmail(
  {
    method: 'put',
    path: '/provider-token',
    operationId: 'putEmailProviderToken',
    summary: 'Set the HTTP provider’s API token (write-only)',
    tags: ['Email'],
    request: { params: siteParams, body: jsonBody(providerTokenBodySchema) },
    responses: { 200: json(providerStatusSchema, 'Provider status (the token is never returned).'), ...errors(400, 401, 403, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    const body = parseInput(providerTokenBodySchema, await readJson(c), 'body');
    await configOf(c, site);
    await siteAdmin(c.env, site).setEmailToken(site, body.token, c.get('principal').actor);
    return c.json(await providerStatus(c, site));
  },
);

declareEmail(
  {
    method: 'delete',
    path: '/provider-token',
    operationId: 'deleteEmailProviderToken',
    summary: 'Remove the HTTP provider’s API token',
    tags: ['Email'],
    request: { params: siteParams },
    responses: { 200: json(providerStatusSchema, 'Provider status.'), ...errors(400, 401, 403, 404) },
  },
  async (c) => {
    const site = siteOf(c);
    await configOf(c, site);
    await siteAdmin(c.env, site).setEmailToken(site, null, c.get('principal').actor);
    return c.json(await providerStatus(c, site));
  },
);
