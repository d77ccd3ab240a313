import { describe, expect, it } from 'vitest';
import { curlOf, exampleOf, groupByTag, matches, schemaTree, securityOf, type ApiDocument } from './model';

/** A small document in the shape edge/src/admin/openapi.ts generates (a recursive Condition included). */
const DOC: ApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Waymark admin API', version: '1' },
  tags: [
    { name: 'Session', description: 'Sign in and out.' },
    { name: 'Items', description: 'One item.' },
  ],
  paths: {
    '/_wm/admin/api/sites/{site}/segments/{id}': {
      put: {
        operationId: 'putItem',
        summary: 'Create or replace one item',
        tags: ['Items'],
        security: [{ session: [], csrf: [] }, { bearer: [] }],
        parameters: [{ name: 'site', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Segment' } } } },
        responses: { '200': { description: 'Saved.' }, '400': { description: 'Invalid.' } },
      },
    },
    '/_wm/admin/api/login': {
      get: { operationId: 'loginOptions', summary: 'What the login screen may offer', tags: ['Session'], security: [], responses: {} },
    },
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: '__Host-wm_admin' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-WM-CSRF' },
      bearer: { type: 'http', scheme: 'bearer' },
    },
    schemas: {
      Segment: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          condition: { $ref: '#/components/schemas/Condition' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
          window: { type: 'string', default: '7d' },
        },
        required: ['name', 'condition'],
      },
      Condition: {
        anyOf: [
          { type: 'object', properties: { trait: { type: 'string' } }, required: ['trait'] },
          { type: 'object', properties: { not: { $ref: '#/components/schemas/Condition' } }, required: ['not'] },
        ],
      },
    },
  },
};

describe('api reference model', () => {
  it('groups operations by tag in the document’s order', () => {
    const groups = groupByTag(DOC);
    expect(groups.map((g) => g.tag)).toEqual(['Session', 'Items']);
    expect(groups[1]!.operations.map((o) => `${o.method} ${o.path}`)).toEqual(['put /_wm/admin/api/sites/{site}/segments/{id}']);
    expect(
      groups
        .flatMap((g) => g.operations)
        .filter((o) => matches(o, 'login'))
        .map((o) => o.op.operationId),
    ).toEqual(['loginOptions']);
    expect(groups.flatMap((g) => g.operations).filter((o) => matches(o, '')).length).toBe(2);
  });

  it('shows a schema as a tree, naming a recursive reference instead of expanding it forever', () => {
    const tree = schemaTree(DOC, { $ref: '#/components/schemas/Segment' }, 'body');
    expect(tree.type).toBe('Segment: object');
    expect(tree.children.map((c) => [c.name, c.required])).toEqual([
      ['name', true],
      ['condition', true],
      ['tags', false],
      ['window', false],
    ]);
    expect(tree.children[0]!.notes).toEqual(['at least 1 characters', 'at most 200 characters']);
    expect(tree.children[2]!.type).toBe('array of string');
    expect(tree.children[3]!.notes).toEqual(['default "7d"']);
    const condition = tree.children[1]!;
    expect(condition.type).toBe('Condition: one of');
    const not = condition.children[1]!.children[0]!;
    expect(not.name).toBe('not');
    expect(not.type).toBe('Condition (recursive, as above)');
    expect(not.children).toEqual([]);
  });

  it('says which credentials an operation needs', () => {
    const [session, items] = groupByTag(DOC);
    expect(securityOf(DOC, session!.operations[0]!.op)).toMatch(/^None/);
    expect(securityOf(DOC, items!.operations[0]!.op)).toBe('the session cookie and the X-WM-CSRF header, or an API token (Authorization: Bearer).');
  });

  it('writes a curl line with a token and an example of the required fields', () => {
    const entry = groupByTag(DOC)[1]!.operations[0]!;
    expect(exampleOf(DOC, { $ref: '#/components/schemas/Segment' })).toEqual({ name: '…', condition: { trait: '…' } });
    expect(curlOf(DOC, entry, 'https://shop.example')).toBe(
      `curl -sS -X PUT "https://shop.example/_wm/admin/api/sites/{site}/segments/{id}" -H "Authorization: Bearer $WM_TOKEN" -H 'content-type: application/json' -d '{"name":"…","condition":{"trait":"…"}}'`,
    );
    const open = groupByTag(DOC)[0]!.operations[0]!;
    expect(curlOf(DOC, open, 'https://shop.example')).toBe('curl -sS "https://shop.example/_wm/admin/api/login"');
    // A quote in an example is escaped for the shell.
    expect(
      curlOf(
        {
          ...DOC,
          components: {
            ...DOC.components,
            schemas: { ...DOC.components!.schemas, Segment: { type: 'object', properties: { n: { const: "it's" } }, required: ['n'] } },
          },
        },
        entry,
        '',
      ),
    ).toContain(`-d '{"n":"it'\\''s"}'`);
  });
});
