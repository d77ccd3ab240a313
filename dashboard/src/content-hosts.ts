/** The content-hosts rule (protocol/content/hosts.ts) in a marketer's words, shown next to every URL field. */
import { allowedContentHosts, type HostSource } from '../../protocol/content/hosts';

export function contentHostsHint(config: object): string {
  // The config as the admin API returned it (validated there); the dashboard types it loosely.
  const hosts = [...allowedContentHosts(config as HostSource)].sort();
  const where = hosts.length ? `a path like /sale or a URL on ${hosts.join(', ')}` : 'a path on this site like /sale';
  return `Images and links: ${where}. Other hosts are refused: add them in Settings → Content hosts.`;
}
