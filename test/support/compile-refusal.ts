import { CompileError } from '../../src/plan/errors.ts';

/**
 * What `f` was refused with, as `code: message` of its CompileError, or `no error` when it ran through:
 * tests compare the whole refusal in one assertion. Any other error is a bug of the test and is thrown.
 */
export function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof CompileError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}
