/**
 * The admin API's reference, rendered from its OpenAPI document (GET /_wm/admin/api/openapi.json)
 * inside the dashboard: no outside script (the dashboard's CSP allows none, and it works offline).
 * Operations by tag; each opens to its parameters, request body and responses as trees, the
 * credentials it needs and a curl line to copy. The reading of the document is model.ts.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { API, call } from '../api';
import { ErrorBanner, Loading, PageHeader, CopyBox } from '../ui';
import { curlOf, groupByTag, matches, schemaTree, securityOf, type ApiDocument, type OperationEntry, type SchemaObject, type TreeNode } from './model';

/** Descriptions use Markdown's `code` spans: shown as code, the rest as text. */
function Prose({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

function Tree({ node, depth = 0 }: { node: TreeNode; depth?: number }) {
  const head = (
    <>
      <code>{node.name}</code> <span class="api-type">{node.type}</span>
      {node.required ? null : <span class="muted small"> optional</span>}
      {node.notes.length ? <span class="muted small"> · {node.notes.join(' · ')}</span> : null}
      {node.description ? (
        <span class="api-desc">
          {' '}
          <Prose text={node.description} />
        </span>
      ) : null}
    </>
  );
  if (!node.children.length) return <li>{head}</li>;
  return (
    <li>
      <details open={depth < 1}>
        <summary>{head}</summary>
        <ul class="api-tree">
          {node.children.map((c) => (
            <Tree key={c.name} node={c} depth={depth + 1} />
          ))}
        </ul>
      </details>
    </li>
  );
}

function SchemaView({ doc, schema, name }: { doc: ApiDocument; schema: SchemaObject; name: string }) {
  const tree = useMemo(() => schemaTree(doc, schema, name), [doc, schema, name]);
  return (
    <ul class="api-tree root">
      <Tree node={tree} />
    </ul>
  );
}

function OperationView({ doc, entry }: { doc: ApiDocument; entry: OperationEntry }) {
  const { method, path, op } = entry;
  const id = op.operationId ?? `${method}-${path}`;
  const body = op.requestBody?.content?.['application/json']?.schema;
  return (
    <details class="api-op" id={`op-${id}`}>
      <summary>
        <span class={`pill api-method ${method}`}>{method.toUpperCase()}</span> <code class="api-path">{path}</code> <span class="muted">{op.summary}</span>
      </summary>
      <div class="api-op-body">
        {op.description ? (
          <p>
            <Prose text={op.description} />
          </p>
        ) : null}
        <dl class="kv">
          <div>
            <dt>Needs</dt>
            <dd>{securityOf(doc, op)}</dd>
          </div>
          {op.operationId ? (
            <div>
              <dt>Operation id</dt>
              <dd>
                <code>{op.operationId}</code>
              </dd>
            </div>
          ) : null}
        </dl>
        {op.parameters?.length ? (
          <>
            <h4>Parameters</h4>
            <div class="table-scroll">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">In</th>
                    <th scope="col">Type</th>
                    <th scope="col">Rules</th>
                  </tr>
                </thead>
                <tbody>
                  {op.parameters.map((p) => {
                    const node = schemaTree(doc, p.schema ?? {}, p.name, p.required ?? false);
                    return (
                      <tr key={`${p.in}-${p.name}`}>
                        <td>
                          <code>{p.name}</code>
                          {p.required ? null : <span class="muted small"> optional</span>}
                        </td>
                        <td>{p.in}</td>
                        <td>{node.type}</td>
                        <td class="describe">
                          <Prose text={[...node.notes, p.description ?? ''].filter(Boolean).join(' · ') || '—'} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
        {body ? (
          <>
            <h4>Request body (JSON)</h4>
            <SchemaView doc={doc} schema={body} name="body" />
          </>
        ) : null}
        <h4>Responses</h4>
        <ul class="api-responses">
          {Object.entries(op.responses ?? {}).map(([status, r]) => {
            const schema = r.content?.['application/json']?.schema;
            return (
              <li key={status}>
                <span class={`pill api-status s${status[0]}`}>{status}</span> <Prose text={r.description ?? ''} />
                {schema && status.startsWith('2') ? <SchemaView doc={doc} schema={schema} name="response" /> : null}
              </li>
            );
          })}
        </ul>
        <h4>Try it</h4>
        <CopyBox text={curlOf(doc, entry, location.origin)} label={`curl for ${id}`} button="Copy curl" rows={2} />
      </div>
    </details>
  );
}

export function ApiReference() {
  const [doc, setDoc] = useState<ApiDocument | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  const load = async () => {
    setError(null);
    try {
      setDoc(await call<ApiDocument>('GET', '/openapi.json'));
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), []);
  const groups = useMemo(() => (doc ? groupByTag(doc) : []), [doc]);
  const shown = groups.map((g) => ({ ...g, operations: g.operations.filter((o) => matches(o, filter)) })).filter((g) => g.operations.length > 0);

  return (
    <>
      <PageHeader title="API reference" sub="Everything this dashboard does, for scripts and CI: the admin API, read from its OpenAPI 3.1 document.">
        <a class="btn" href={`${API}/openapi.json`} target="_blank" rel="noopener">
          openapi.json
        </a>
      </PageHeader>
      {error ? <ErrorBanner error={error} onReload={load} /> : null}
      {!doc ? (
        error ? null : (
          <Loading what="the API reference" />
        )
      ) : (
        <>
          <section class="card">
            <p>
              <Prose text={doc.info.description ?? ''} />
            </p>
            <p class="muted small">
              Scripts authenticate with an API token: <code>Authorization: Bearer $WM_TOKEN</code> (Settings → API tokens; it needs no CSRF header). The
              dashboard itself uses its session cookie and the <code>X-WM-CSRF</code> header.
            </p>
            <div class="field api-filter">
              <label for="api-filter">Find an operation</label>
              <input id="api-filter" type="search" placeholder="path, name or tag" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </div>
          </section>
          {shown.map((g) => (
            <section class="card" key={g.tag} aria-labelledby={`tag-${g.tag}`}>
              <div class="section-head">
                <h2 id={`tag-${g.tag}`}>{g.tag}</h2>
                <span class="muted small">
                  {g.operations.length} operation{g.operations.length === 1 ? '' : 's'}
                </span>
              </div>
              {g.description ? (
                <p class="muted">
                  <Prose text={g.description} />
                </p>
              ) : null}
              {g.operations.map((o) => (
                <OperationView key={`${o.method} ${o.path}`} doc={doc} entry={o} />
              ))}
            </section>
          ))}
          {!shown.length ? <p class="muted">No operation matches “{filter}”.</p> : null}
        </>
      )}
    </>
  );
}
