import * as path from 'node:path';
import { chartsDir } from '../paths';
import { XRoadConfiguration } from './xroad-config';

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
  readonly insecureTls?: boolean;
  readonly heartbeatFile?: string;
  readonly timeoutMs?: number;
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
export const ReconcileError = loaded.ReconcileError;
export const securityServerRoles = loaded.SECURITY_SERVER_ROLES;
export const centralServerRoles = loaded.CENTRAL_SERVER_ROLES;
export const clientConnectionType = loaded.CONNECTION_TYPE;
