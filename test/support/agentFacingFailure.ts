import assert from 'node:assert/strict';
import { AgentFacingError } from '../../core/errors';

/** The `AgentFacingError` that `work` fails with; fails the test if it succeeds or throws anything else. */
export async function failureOf(work: Promise<unknown>): Promise<AgentFacingError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof AgentFacingError, `an AgentFacingError, not ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}
