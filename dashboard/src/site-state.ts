/** The loaded site every page works on, and the props the app hands each page. */
import type { Draft, SiteConfig } from './api';

/**
 * The site config as last loaded or saved, and the version the forms edit on top of. `config` is
 * the effective draft (live + the draft's changes: what the editors show and save to); `live` and
 * `draft` are there once loaded (drafts/: the draft bar, the "changed in the draft" notes).
 */
export type SiteState = { config: SiteConfig; version: number; live?: SiteConfig; draft?: Draft };

export type EditorProps = { id: string; site: SiteState; onSaved: (c: SiteConfig) => void; reload: () => Promise<void> };
export type ListProps = Omit<EditorProps, 'id'>;
