import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DocumentSources } from '../blueprint/types';
import { StartupDocument } from '../catalog/types';

/** GitHub's raw file host: where `upstream` documents are fetched from. */
export const upstreamDocumentBase = 'https://raw.githubusercontent.com';

/** The default when a blueprint says nothing: fetch from GitHub at the pinned commit. */
export const defaultDocumentSources: DocumentSources = { source: 'upstream' };

/** Folder in the container where bundled documents are mounted (the building-block chart's `documents` ConfigMap). */
export const bundledDocumentsPath = '/etc/govstack/documents';

/** Largest document carried in a ConfigMap (Kubernetes limits a ConfigMap to 1 MiB in total). */
const maxBundledBytes = 900 * 1024;

/** Where one start-up document is read from, resolved for a deployment. */
export interface ResolvedDocument {
  /** What the container is given: an https URL, or the path of the mounted file. */
  readonly location: string;
  /** When bundled: the ConfigMap key and the file's content. */
  readonly bundled?: { readonly key: string; readonly content: string };
  /** When fetched: the outbound connection the Pod needs, and why. */
  readonly egress?: { readonly name: string; readonly cidrs: readonly string[]; readonly ports: readonly number[]; readonly reason: string };
}

/** `<base>/<owner>/<repo>/<commit>/<file>` with each path segment URL-encoded. */
export function documentUrl(base: string, doc: Pick<StartupDocument, 'repository' | 'commit' | 'file'>): string {
  const path = [...doc.repository.split('/'), doc.commit, ...doc.file.split('/')].map(encodeURIComponent).join('/');
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** ConfigMap key of a bundled document: its file name, made a valid key. */
export function bundledKey(doc: Pick<StartupDocument, 'file'>): string {
  return doc.file.split('/').pop()!.replace(/[^-._a-zA-Z0-9]/g, '_');
}

/**
 * Resolves where building block `blockId`'s start-up document comes from.
 *
 * - upstream / mirror: an https URL; the Pod gets an egress allow on the URL's port. A
 *   NetworkPolicy cannot name a host, so the allow is to any address on that port, and its
 *   reason names the host.
 * - bundled: the first `bundle` folder holding `<blockId>/<file>` (relative folders resolve
 *   against `baseDir`, the folder of the file that declared them); the content travels in the
 *   stack and no egress is opened.
 *
 * Returns a message instead when the bundled file is missing or too large for a ConfigMap.
 */
export function resolveDocument(sources: DocumentSources, baseDir: string, blockId: string, doc: StartupDocument): ResolvedDocument | string {
  if (sources.source === 'bundled') {
    const folders = (sources.bundle ?? []).map((f) => (isAbsolute(f) ? f : resolve(baseDir, f)));
    const found = folders.map((f) => join(f, blockId, doc.file)).find((p) => existsSync(p) && statSync(p).isFile());
    if (!found) return `no bundle folder holds ${blockId}/${doc.file} (${doc.repository}@${doc.commit}); searched: ${folders.join(', ')}`;
    if (statSync(found).size > maxBundledBytes) return `${found} is larger than ${maxBundledBytes} bytes and cannot be carried in a ConfigMap`;
    const key = bundledKey(doc);
    return { location: `${bundledDocumentsPath}/${key}`, bundled: { key, content: readFileSync(found, 'utf8') } };
  }
  const base = sources.source === 'mirror' ? sources.mirror! : upstreamDocumentBase;
  const url = new URL(documentUrl(base, doc));
  const port = url.port ? Number(url.port) : 443;
  return {
    location: url.href,
    egress: {
      name: 'document-download',
      cidrs: ['0.0.0.0/0'],
      ports: [port],
      reason: `the mock fetches ${doc.file} from ${url.host} (${sources.source}) at start-up`,
    },
  };
}

/** The folder relative bundle paths are read against: that of the file declaring them. */
export function declaringDir(file: string): string {
  return dirname(resolve(file));
}
