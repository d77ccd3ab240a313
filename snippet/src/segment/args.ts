/**
 * analytics.js's argument rules, pure (tested in Node): which of a call's arguments are the
 * properties, the options and the callback. Like analytics.js, the callback is the first function
 * among the arguments, and anything after the required ones may be left out.
 */
export type Callback = (...a: unknown[]) => unknown;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v == 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string | number => typeof v == 'string' || typeof v == 'number';

/** Splits `[...leading, properties?, options?, callback?]` after `fixed` leading arguments. */
export function split(args: unknown[], fixed: number): { lead: unknown[]; props?: Obj; options?: Obj; callback?: Callback } {
  const at = args.findIndex((a) => typeof a == 'function');
  const callback = at >= 0 ? (args[at] as Callback) : undefined;
  const rest = (at >= 0 ? args.slice(0, at) : args).slice(0);
  const lead = rest.slice(0, fixed);
  const [props, options] = rest.slice(fixed).filter(isObj);
  return { lead, ...(props ? { props } : {}), ...(options ? { options } : {}), ...(callback ? { callback } : {}) };
}

/**
 * page(category?, name?, properties?, options?, callback?): two leading strings are category and
 * name, one is the name; properties get `name` and `category` as analytics.js sends them.
 */
export function pageArgs(args: unknown[]): { props: Obj; options?: Obj; callback?: Callback } {
  const strings = args.slice(0, 2).filter(isStr).length;
  const { lead, props, options, callback } = split(args, strings);
  const [category, name] = strings == 2 ? lead : [undefined, lead[0]];
  return {
    props: { ...props, ...(name != null ? { name: String(name) } : {}), ...(category != null ? { category: String(category) } : {}) },
    ...(options ? { options } : {}),
    ...(callback ? { callback } : {}),
  };
}

/** identify(userId?, traits?, options?, callback?): a first argument that is an object is the traits (no user id). */
export function identifyArgs(args: unknown[]): { userId?: string; traits?: Obj; options?: Obj; callback?: Callback } {
  const hasId = isStr(args[0]) || args[0] === null || args[0] === undefined ? 1 : 0;
  const { lead, props, options, callback } = split(hasId ? args : [undefined, ...args], 1);
  return {
    ...(lead[0] != null ? { userId: String(lead[0]) } : {}),
    ...(props ? { traits: props } : {}),
    ...(options ? { options } : {}),
    ...(callback ? { callback } : {}),
  };
}
