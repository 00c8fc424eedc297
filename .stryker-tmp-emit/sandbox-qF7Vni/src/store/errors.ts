/** Store outcomes the API maps to statuses: not-found 404, exists 409, version-mismatch 412, has-dependents 409. */
// @ts-nocheck

export type StoreErrorCode = 'not-found' | 'exists' | 'version-mismatch' | 'has-dependents';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
