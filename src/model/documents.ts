import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DocumentSources } from '../blueprint/types';
import { kubernetesCatalog } from '../catalog';
import { ApiDescription, StartupDocument } from '../catalog/types';

/** GitHub's raw file host: where `upstream` documents are fetched from. */
export const upstreamDocumentBase = 'https://raw.githubusercontent.com';

/** The default when a blueprint says nothing: fetch from GitHub at the pinned commit. */
export const defaultDocumentSources: DocumentSources = { source: 'upstream' };

/** Folder in the container where bundled documents are mounted (the building-block chart's `documents` ConfigMap). */
export const bundledDocumentsPath = '/etc/govstack/documents';

/** Largest document carried in a ConfigMap (Kubernetes limits a ConfigMap to 1 MiB in total). */
export const maxBundledBytes = 900 * 1024;

/** A file in a repository at a pinned commit. */
export type DocumentRef = Pick<StartupDocument, 'repository' | 'commit' | 'file'>;

/** An outbound connection a Pod needs to fetch a document, and why. */
export interface DocumentEgress {
  /** Name of the egress edge, unique in its namespace (a DNS label). */
  readonly name: string;
  /** Destination address ranges: the mirror's address as /32 or /128 when it is an IP literal, else every address. */
  readonly cidrs: readonly string[];
  /** Destination TCP ports: the source URL's port (its scheme's default, 443 or 80, when it names none). */
  readonly ports: readonly number[];
  /** Why the edge exists, naming the host (a NetworkPolicy cannot name one). */
  readonly reason: string;
}

/**
 * Where one document comes from, as `deployment.documents` names it: fetched from an https
 * address (upstream or the mirror) with the egress that needs, or read from the bundle at
 * synth time and carried into the cluster. Each consumer places a bundled document its own
 * way (a mock mounts it, the security servers load it from the mediator's document server).
 */
export type LocatedDocument =
  | { readonly kind: 'fetched'; readonly url: string; readonly egress: DocumentEgress }
  | { readonly kind: 'bundled'; readonly path: string; readonly content: string };

/** Where a mock's documents are read from, resolved for a deployment. */
export interface ResolvedDocuments {
  /** What the merge step is given, in serving order: https URLs, or paths of the mounted files. */
  readonly locations: readonly string[];
  /** When bundled: ConfigMap key → the file's content. */
  readonly bundled?: Readonly<Record<string, string>>;
  /** When fetched: the outbound connection the Pod needs, and why. */
  readonly egress?: DocumentEgress;
}

/**
 * Folder the mock's init container writes the merged Mockoon environment to (an emptyDir the
 * building-block chart mounts read-only in the mock); the file is `mergedEnvironmentFile`.
 */
export const mergedEnvironmentPath = '/var/run/govstack/mock';
/** The merged environment the mock serves: `<mergedEnvironmentPath>/environment.json`. */
export const mergedEnvironmentFile = `${mergedEnvironmentPath}/environment.json`;

/** `<base>/<owner>/<repo>/<commit>/<file>` with each path segment URL-encoded. */
export function documentUrl(base: string, doc: DocumentRef): string {
  const path = [...doc.repository.split('/'), doc.commit, ...doc.file.split('/')].map(encodeURIComponent).join('/');
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** ConfigMap key of a bundled document: its file name, made a valid key. */
export function bundledKey(doc: Pick<StartupDocument, 'file'>): string {
  return doc.file
    .split('/')
    .pop()!
    .replace(/[^-._a-zA-Z0-9]/g, '_');
}

/**
 * Whether a parsed URL's host is an IPv4 or IPv6 address literal (4, 6) or a name (0). The URL
 * parser has already decided (WHATWG URL Standard, host parsing): an IPv6 literal is kept in
 * brackets, and a host whose last label is a number is parsed as IPv4 and serialised as four
 * decimal numbers, or the URL is rejected. Reading its verdict avoids `net.isIP`, whose
 * patterns cost about 10 ms to compile on first use.
 */
export function addressFamily(url: URL): 0 | 4 | 6 {
  if (url.hostname.startsWith('[')) return 6;
  return /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) ? 4 : 0;
}

/**
 * The egress that fetching `url` needs. A NetworkPolicy cannot name a host: an address
 * literal is allowed alone (/32 or /128), a host name as any address on the URL's port, with
 * the host in the reason.
 */
export function fetchEgress(url: URL, reason: string): DocumentEgress {
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  const family = addressFamily(url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return {
    name: 'document-download',
    cidrs: family === 4 ? [`${host}/32`] : family === 6 ? [`${host}/128`] : kubernetesCatalog.anywhere,
    ports: [port],
    reason,
  };
}

/**
 * Locates building block `blockId`'s document `doc` at the blueprint's document source.
 *
 * - upstream / mirror: `documentUrl` under raw.githubusercontent.com or the mirror, with the
 *   egress `fetchEgress` gives; `purpose` says who fetches it, for the egress reason.
 * - bundled: the first `bundle` folder holding `<blockId>/<file>` (relative folders resolve
 *   against `baseDir`, the folder of the file that declared them); its content, no egress.
 *
 * Returns a message instead when the bundled file is missing or too large for a ConfigMap.
 */
export function locateDocument(
  sources: DocumentSources,
  baseDir: string,
  blockId: string,
  doc: DocumentRef,
  purpose: string,
): LocatedDocument | string {
  if (sources.source === 'bundled') {
    const folders = (sources.bundle ?? []).map((f) => (isAbsolute(f) ? f : resolve(baseDir, f)));
    const found = folders.map((f) => join(f, blockId, doc.file)).find((p) => existsSync(p) && statSync(p).isFile());
    if (!found) return `no bundle folder holds ${blockId}/${doc.file} (${doc.repository}@${doc.commit}); searched: ${folders.join(', ')}`;
    if (statSync(found).size > maxBundledBytes)
      return `${found} is larger than ${maxBundledBytes} bytes and cannot be carried in a ConfigMap`;
    return { kind: 'bundled', path: found, content: readFileSync(found, 'utf8') };
  }
  const base = sources.source === 'mirror' ? sources.mirror! : upstreamDocumentBase;
  const url = new URL(documentUrl(base, doc));
  return {
    kind: 'fetched',
    url: url.href,
    egress: fetchEgress(url, `${purpose} fetches ${doc.file} from ${url.host} (${sources.source})`),
  };
}

/**
 * Resolves where building block `blockId`'s mock reads each of its documents (`locateDocument`):
 * fetched ones share one egress edge (one host), bundled ones are mounted from the block's
 * `documents` ConfigMap at `bundledDocumentsPath`, keyed by file name (`bundledKey`).
 * @returns the locations in the documents' order, or one message per problem (a file missing
 * from the bundle, two files with one key, more than a ConfigMap holds)
 */
export function resolveDocuments(
  sources: DocumentSources,
  baseDir: string,
  blockId: string,
  docs: readonly StartupDocument[],
): ResolvedDocuments | string[] {
  const problems: string[] = [];
  const locations: string[] = [];
  const bundled: Record<string, string> = {};
  const fetched: DocumentEgress[] = [];
  for (const doc of docs) {
    const located = locateDocument(sources, baseDir, blockId, doc, 'the mock');
    if (typeof located === 'string') {
      problems.push(located);
    } else if (located.kind === 'fetched') {
      locations.push(located.url);
      fetched.push(located.egress);
    } else {
      const key = bundledKey(doc);
      if (key in bundled && bundled[key] !== located.content)
        problems.push(`${blockId}: two of its mock's documents are both named ${key}`);
      bundled[key] = located.content;
      locations.push(`${bundledDocumentsPath}/${key}`);
    }
  }
  const total = Object.values(bundled).reduce((n, c) => n + Buffer.byteLength(c), 0);
  if (total > maxBundledBytes)
    problems.push(`the bundled documents of ${blockId}'s mock total ${total} bytes, more than one ConfigMap holds (${maxBundledBytes})`);
  if (problems.length > 0) return problems;
  if (fetched.length === 0) return { locations, bundled };
  const host = new URL(locations[0]).host;
  return {
    locations,
    egress: {
      ...fetched[0],
      reason: `the mock fetches ${docs.length === 1 ? docs[0].file : `its ${docs.length} documents`} from ${host} (${sources.source}) at start-up`,
    },
  };
}

/** `owner/repo@commit:path`, the catalog's source of an API file, as a document reference; `undefined` for an https address. */
export function apiDocumentRef(api: ApiDescription): DocumentRef | undefined {
  if (/^https:\/\/\S+$/.test(api.source)) return undefined;
  const m = /^([^/@\s]+)\/([^/@\s]+)@([0-9a-f]{7,40}):(.+)$/.exec(api.source);
  if (!m) throw new Error(`catalog source "${api.source}" is not owner/repo@commit:path`);
  const [, owner, repo, commit, file] = m;
  return { repository: `${owner}/${repo}`, commit, file };
}

/** The folder relative bundle paths are read against: that of the file declaring them. */
export function declaringDir(file: string): string {
  return dirname(resolve(file));
}
