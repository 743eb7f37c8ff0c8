import { MetalError } from '../../lib/contract/errors';

/** The messages of the MetalError a promise is refused with; anything else (or no refusal) fails the test. */
export async function refusal(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MetalError) return err.errors;
    throw err;
  }
  throw new Error('expected a refusal');
}
