import { DocumentSources } from '../blueprint/types';
import { BuildingBlockEntry, PodPort } from '../catalog/types';
import { mediatorReleaseName } from './consumer-config';
import { apiDocumentRef, DocumentEgress, fetchEgress, locateDocument, maxBundledBytes } from './documents';

/**
 * Where a security server loads one of a building block's OpenAPI documents (its X-Road
 * service description) from, at the blueprint's document source (`deployment.documents`,
 * `locateDocument`, the mechanism the mocks use too):
 * - upstream / mirror: the document's https address, with the egress that needs;
 * - bundled: the mediator's document server, which serves the bundled file from a ConfigMap
 *   (X-Road loads descriptions only by http(s) address, so the file cannot be mounted);
 * - a custom block's own https address, as the blueprint wrote it (it is not in GovStack's
 *   repositories, so the document source does not apply).
 */
export interface ApiDocument {
  /** The API file (`ApiDescription.file`). */
  readonly file: string;
  /** The address the security server loads. */
  readonly url: string;
  /** When bundled: the key of the file in the block's documents ConfigMap, and its content. */
  readonly bundled?: {
    /** ConfigMap key: the file's path with every character a key may not hold made `_` (`apiDocumentKey`). */
    readonly key: string;
    /** The document's text, as read from the bundle at synth time. */
    readonly content: string;
  };
  /** When fetched from outside the cluster: the security server's egress. */
  readonly egress?: DocumentEgress;
}

/** Service of the mediator chart's document server (the stack passes the name to the chart). */
export const documentServerService = `${mediatorReleaseName}-documents`;

/** Labels of the document server's Pods (passed to the chart as `documents.podLabels`). */
export const documentServerPods: Readonly<Record<string, string>> = { 'app.kubernetes.io/component': 'document-server' };

/**
 * Port the document server listens on: the project's own choice (its server is the chart's
 * files/serve-documents.js), one no other Pod of the mediator namespace listens on; passed to
 * the chart as `ports.documentServer`.
 */
export const documentServerPort: PodPort = { port: 8090, name: 'http' };

/** In-cluster base address of the document server: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
export function documentServerUrl(mediatorNamespace: string): string {
  return `http://${documentServerService}.${mediatorNamespace}.svc.cluster.local:${documentServerPort.port}`;
}

/** Longest service description address X-Road takes (ServiceDescriptionAdd.url maxLength, security server admin API 7.8). */
export const maxDescriptionUrlLength = 255;

/** Key of a bundled API file in its block's ConfigMap: the whole path, made a valid key (files of one block may share a name). */
export function apiDocumentKey(file: string): string {
  return file.replace(/[^-._a-zA-Z0-9]/g, '_');
}

/**
 * Resolves every API document of building block `blockId` for its security server. A bundled
 * document is served at `<document server>/<blockId>/<key>`.
 * @returns the documents in the entry's order, and a message per problem (a file missing from
 * the bundle or too large, two files with one key, more than one ConfigMap holds, an address
 * longer than X-Road takes); `atAddress` marks a problem with a custom block's own address.
 */
export function resolveApiDocuments(
  sources: DocumentSources,
  baseDir: string,
  blockId: string,
  entry: Pick<BuildingBlockEntry, 'apis'>,
  mediatorNamespace: string,
): { documents: ApiDocument[]; problems: { message: string; atAddress?: true }[] } {
  const documents: ApiDocument[] = [];
  const problems: { message: string; atAddress?: true }[] = [];
  const tooLong = (url: string) =>
    `${url} is longer than the ${maxDescriptionUrlLength} characters X-Road takes for a service description address`;
  for (const api of entry.apis) {
    const ref = apiDocumentRef(api);
    if (!ref) {
      const url = new URL(api.source);
      if (url.href.length > maxDescriptionUrlLength) problems.push({ message: tooLong(url.href), atAddress: true });
      documents.push({
        file: api.file,
        url: url.href,
        egress: fetchEgress(url, `the security server loads ${blockId}'s OpenAPI description from ${url.host} (the blueprint's address)`),
      });
      continue;
    }
    const located = locateDocument(sources, baseDir, blockId, ref, `the security server of ${blockId}'s owner`);
    if (typeof located === 'string') {
      problems.push({ message: located });
      continue;
    }
    if (located.kind === 'fetched') {
      if (located.url.length > maxDescriptionUrlLength) problems.push({ message: tooLong(located.url) });
      documents.push({ file: api.file, url: located.url, egress: located.egress });
      continue;
    }
    const key = apiDocumentKey(api.file);
    const twin = documents.find((d) => d.bundled?.key === key);
    if (twin) problems.push({ message: `${blockId}: ${api.file} and ${twin.file} would share the ConfigMap key ${key}` });
    documents.push({
      file: api.file,
      url: `${documentServerUrl(mediatorNamespace)}/${blockId}/${key}`,
      bundled: { key, content: located.content },
    });
  }
  const total = documents.reduce((n, d) => n + Buffer.byteLength(d.bundled?.content ?? ''), 0);
  if (total > maxBundledBytes)
    problems.push({
      message: `the bundled OpenAPI documents of ${blockId} total ${total} bytes, more than one ConfigMap holds (${maxBundledBytes})`,
    });
  return { documents, problems };
}
