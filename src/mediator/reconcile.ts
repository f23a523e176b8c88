import * as path from 'node:path';
import { chartsDir } from '../paths';
import { XRoadConfiguration, XRoadSubsystem } from './xroad-config';

/**
 * The reconcile logic lives in one plain JavaScript file inside the mediator chart
 * (`charts/govstack-xroad/files/reconcile.js`), because the chart's Job mounts it from a
 * ConfigMap into a stock Node.js image. This module loads that very file, with types, so the
 * tests exercise exactly what the Job runs.
 */
export const reconcileScript = path.join(chartsDir, 'govstack-xroad', 'files', 'reconcile.js');

export interface ServerTarget {
  /** Admin API base URL; the API is under `<url>/api/v1`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly tokenPin: string;
}

export interface ReconcileTargets {
  readonly securityServers: Readonly<Record<string, ServerTarget>>;
  readonly centralServer?: ServerTarget & { readonly address: string };
}

export interface ReconcileOptions {
  readonly log?: (line: string) => void;
  /** How long to wait for an admin API to answer at all (seconds); 0 tries once. */
  readonly waitSeconds?: number;
  readonly retryDelayMs?: number;
  /** PEM the admin APIs' TLS certificates must chain to (verification cannot be switched off). */
  readonly ca?: string | Buffer;
  readonly heartbeatFile?: string;
  readonly timeoutMs?: number;
  /** Stops the run at its next request; it still revokes its API keys and releases the lock. */
  readonly signal?: AbortSignal;
  /** Sent as User-Agent `govstack-reconcile/<runName>`; default the process id. */
  readonly runName?: string;
  /** The run lock; default one lock of this process. */
  readonly lock?: ReconcileLock;
  /** PEM of a hosted subsystem's client TLS certificate (connection type HTTPS). */
  readonly clientCertificate?: (subsystem: XRoadSubsystem) => string | undefined;
}

/** A lock around one run, carrying the API key journal (`{ [server]: { ids, after? } }`). */
export interface ReconcileLock {
  acquire(onLost?: (err: Error) => void): Promise<unknown>;
  record(entries: unknown): Promise<void>;
  release(): Promise<void>;
}

export interface LeaseLockOptions {
  /** Kubernetes API base URL. */
  readonly url: string;
  readonly namespace: string;
  readonly name: string;
  readonly holder: string;
  readonly token?: string;
  readonly ca?: string | Buffer;
  /** @default 60 */
  readonly durationSeconds?: number;
  /** How long to wait for a held Lease; @default 0 */
  readonly waitSeconds?: number;
  readonly retryDelayMs?: number;
  readonly log?: (line: string) => void;
}

export interface ReconcileChange {
  readonly server: string;
  readonly action: string;
  readonly target: string;
}

interface ReconcileModule {
  reconcile(desired: XRoadConfiguration, targets: ReconcileTargets, options?: ReconcileOptions): Promise<{ changes: ReconcileChange[] }>;
  targetsFrom(topology: unknown, env: Record<string, string | undefined>): ReconcileTargets;
  envPrefix(name: string): string;
  leaseLock(options: LeaseLockOptions): ReconcileLock;
  memoryLock(): ReconcileLock;
  KEY_JOURNAL: string;
  ReconcileError: new (message: string) => Error & { server?: string; method?: string; path?: string; status?: number };
  SECURITY_SERVER_ROLES: readonly string[];
  CENTRAL_SERVER_ROLES: readonly string[];
  CONNECTION_TYPE: string;
}

const loaded = require(reconcileScript) as ReconcileModule;

/** Bring an X-Road instance to the derived configuration (see the script's header). */
export const reconcile = loaded.reconcile;
/** Admin endpoints and credentials from the chart's topology and the Job's environment. */
export const targetsFrom = loaded.targetsFrom;
/** Environment variable prefix of a security server's credentials in the Job. */
export const envPrefix = loaded.envPrefix;
/** The Job's run lock: a Kubernetes Lease (see the script). */
export const leaseLock = loaded.leaseLock;
/** A run lock within this process. */
export const memoryLock = loaded.memoryLock;
/** Lease annotation holding the API key journal. */
export const keyJournalAnnotation = loaded.KEY_JOURNAL;
export const ReconcileError = loaded.ReconcileError;
export const securityServerRoles = loaded.SECURITY_SERVER_ROLES;
export const centralServerRoles = loaded.CENTRAL_SERVER_ROLES;
/** Connection type of a managed client unless a `mediator-client-auth` override relaxes it. */
export const clientConnectionType = loaded.CONNECTION_TYPE;
