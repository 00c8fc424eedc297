/** The messages between the main thread and the demo sources' worker (plain, structured-cloneable data). */
// @ts-nocheck


export interface SourcesWorkerInput {
  /** Demo data scale (DEMO_SCALE). */
  readonly scale: number;
  /** Where the demo data ends (epoch ms; settings.ts demoEnd). */
  readonly end: number;
  /** 0: any free port (first start); a restart asks for the port its predecessor served. */
  readonly port: number;
  /** The PGlite data folder as a tarball, and the key saying which data set it holds. */
  readonly snapshot: { readonly tarball: string; readonly key: string };
}

export type SourcesWorkerMessage =
  | {
      readonly kind: 'ready';
      readonly url: string;
      readonly port: number;
      readonly origin: 'snapshot' | 'generated';
      readonly ms: number;
    }
  | { readonly kind: 'failed'; readonly message: string }
  /** PGlite threw while executing a message: the worker must be replaced. */
  | { readonly kind: 'backend-failure'; readonly message: string }
  | { readonly kind: 'log'; readonly line: string };
