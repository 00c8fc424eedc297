/** One server of the local stack: how to start it detached, probe it, stop it. */
import type { StackConfig } from '../../config/stack-config.ts';
import type { Prerequisites } from '../prereqs.ts';

export interface ServiceContext {
  readonly config: StackConfig;
  readonly prereqs: Prerequisites;
}

export interface LocalService {
  readonly name: string;
  /** The environment variable that overrides its port (named in "port in use" messages). */
  readonly portVariable: string;
  port(config: StackConfig): number;
  /** Starts the server detached (pid file under .stack/run) and returns its pid. */
  start(ctx: ServiceContext): Promise<number>;
  /** True once the server answers a real request (not just an open port). */
  ready(config: StackConfig): Promise<boolean>;
  readonly readyTimeoutMs: number;
  /** How to stop it: the signal and whether the whole process group gets it. */
  readonly stopSignal: NodeJS.Signals;
  readonly stopGroup: boolean;
}
