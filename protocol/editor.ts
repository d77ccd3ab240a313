/**
 * The visual editor's messages between the dashboard and wm-editor.js in the framed page (issue
 * #12), over the MessageChannel the page opens (dashboard/src/visual-editor/channel.ts says how the
 * channel is set up and checked). Types only: both ends are ours, and the page checks each field.
 */
import type { SlotContent } from './config/personalization';

/** Dashboard → page. */
export type ToPage =
  /** Hover outlines and a click picks (on), or the page behaves as itself (off). */
  | { t: 'picking'; on: boolean }
  /** The site's slots, so a pick says which slot already targets the element. */
  | { t: 'slots'; slots: { id: string; selector?: string }[] }
  /** Outline what a (typed or existing) selector matches and count it. */
  | { t: 'select'; selector: string }
  /** The picked element's parent / back down (or first pickable child). */
  | { t: 'widen' }
  | { t: 'narrow' }
  /** Live preview: `content` in every safe element `selector` matches (null: the page's own content again). */
  | { t: 'show'; selector: string; content: SlotContent | null };

/** Page → dashboard. */
export type ToDashboard =
  | { t: 'picked'; selector: string; matches: number; tag: string; text: string; slot: string | null; canWiden: boolean; canNarrow: boolean }
  | { t: 'refused'; tag: string; reason: string }
  | { t: 'count'; selector: string; matches: number; error?: string }
  | { t: 'shown'; selector: string; filled: number };
