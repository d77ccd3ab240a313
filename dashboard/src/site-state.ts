/** The loaded site every page works on, and the props the app hands each page. */
import type { SiteConfig } from './api';

/** The site config as last loaded or saved, and the version the forms edit on top of. */
export type SiteState = { config: SiteConfig; version: number };

export type EditorProps = { id: string; site: SiteState; onSaved: (c: SiteConfig) => void; reload: () => Promise<void> };
export type ListProps = Omit<EditorProps, 'id'>;
