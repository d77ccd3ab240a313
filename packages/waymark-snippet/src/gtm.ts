/**
 * The Google Tag Manager loader: built by build.mjs into dist/gtm.html, a Custom HTML tag to paste
 * (docs/tag-managers-and-npm.md). The site id below is the one line to edit.
 */
import { insertTag } from './insert';

insertTag({ site: 'YOUR-SITE-ID' }, window);
