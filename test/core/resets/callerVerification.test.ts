import assert from 'node:assert/strict';
import {
  type AskedDetails,
  checkResetDetails,
  type SubmittedDetails,
} from '../../../core/resets/callerVerification';
import {
  claimReset,
  completeReset,
  prepareReset,
  type ResetOutcome,
  type VerificationSettings,
} from '../../../core/resets';
import { IDS } from '../../support/fakeDirectory';
import { ALEX, CONVERSATION, graphFailure, type UseCaseWorld, useCaseWorld } from './useCaseFixture';

const REQUIRED: AskedDetails = { callerVerification: 'required', ticketReference: 'required' };
const OPTIONAL: AskedDetails = { callerVerification: 'optional', ticketReference: 'optional' };

describe('checkResetDetails', () => {
  const rows: [string, AskedDetails, SubmittedDetails, ReturnType<typeof checkResetDetails>][] = [
    [
      'accepts a listed method and a ticket, trimmed',
      REQUIRED,
      { callerVerification: 'call-back', ticketReference: '  INC0012345 ' },
      { ok: true, details: { callerVerification: 'call-back', ticketReference: 'INC0012345' } },
    ],
    [
      'accepts SR-2024/117',
      { ticketReference: 'required' },
      { ticketReference: 'SR-2024/117' },
      { ok: true, details: { ticketReference: 'SR-2024/117' } },
    ],
    [
      'accepts #4711',
      { ticketReference: 'required' },
      { ticketReference: '#4711' },
      { ok: true, details: { ticketReference: '#4711' } },
    ],
    [
      'accepts a 64-character ticket',
      { ticketReference: 'required' },
      { ticketReference: 'T'.repeat(64) },
      { ok: true, details: { ticketReference: 'T'.repeat(64) } },
    ],
    [
      'refuses a missing required method',
      REQUIRED,
      { ticketReference: 'INC1' },
      { ok: false, problem: 'caller-verification-missing' },
    ],
    [
      'refuses an empty required method',
      REQUIRED,
      { callerVerification: ' ', ticketReference: 'INC1' },
      { ok: false, problem: 'caller-verification-missing' },
    ],
    [
      'refuses a missing required ticket',
      REQUIRED,
      { callerVerification: 'in-person-id', ticketReference: '' },
      { ok: false, problem: 'ticket-reference-missing' },
    ],
    [
      'refuses a method that is not one of the codes',
      OPTIONAL,
      { callerVerification: 'trust-me' },
      { ok: false, problem: 'caller-verification-invalid' },
    ],
    [
      'refuses a method named after an Object property',
      OPTIONAL,
      { callerVerification: 'toString' },
      { ok: false, problem: 'caller-verification-invalid' },
    ],
    [
      'refuses a method that is not a string',
      OPTIONAL,
      { callerVerification: ['call-back'] },
      { ok: false, problem: 'caller-verification-invalid' },
    ],
    [
      'refuses a ticket of 65 characters',
      OPTIONAL,
      { ticketReference: 'T'.repeat(65) },
      { ok: false, problem: 'ticket-reference-invalid' },
    ],
    ...['INC 1', '[x](https://evil.example)', 'evil.example', 'a:b', '-1', 'INC1\n- Approved', '${x}'].map(
      (ticket): [string, AskedDetails, SubmittedDetails, ReturnType<typeof checkResetDetails>] => [
        `refuses the ticket ${JSON.stringify(ticket)}`,
        OPTIONAL,
        { ticketReference: ticket },
        { ok: false, problem: 'ticket-reference-invalid' },
      ],
    ),
    [
      'records an optional detail left empty as null',
      OPTIONAL,
      { ticketReference: '' },
      { ok: true, details: { callerVerification: null, ticketReference: null } },
    ],
    [
      'ignores what the card did not ask for, even when invalid',
      {},
      { callerVerification: 'trust-me', ticketReference: '[x](y)' },
      { ok: true, details: {} },
    ],
  ];
  for (const [name, asked, submitted, expected] of rows) {
    it(name, () => assert.deepEqual(checkResetDetails(asked, submitted), expected));
  }
});

describe('use cases with caller verification and a ticket reference', () => {
  const REQUIRE_BOTH: VerificationSettings = { callerVerification: 'required', ticketReference: 'required' };

  async function pendingResetUnder(settings: VerificationSettings | undefined): Promise<{
    world: UseCaseWorld;
    resetId: string;
  }> {
    const world = useCaseWorld();
    world.deps.verification = settings;
    const preparation = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);
    assert.ok(preparation.kind === 'ready');
    return { world, resetId: preparation.pending.id };
  }

  async function confirmWith(
    world: UseCaseWorld,
    resetId: string,
    submitted: SubmittedDetails,
  ): Promise<ResetOutcome> {
    const claim = await claimReset(ALEX, resetId, world.deps, submitted);
    if (claim.kind === 'rejected') return claim;
    const options = { revokeSessions: true, requireMfa: false, details: claim.details };
    return completeReset(ALEX, claim.pending, options, world.deps);
  }

  it('records on the pending reset what the card asked for, and nothing when off', async () => {
    const asked = await pendingResetUnder({ callerVerification: 'required', ticketReference: 'optional' });
    const stored = await asked.world.deps.pendingActions.look('reset', asked.resetId, IDS.alex);
    assert.ok(stored.open);
    assert.equal(stored.action.shown.callerVerification, 'required');
    assert.equal(stored.action.shown.ticketReference, 'optional');

    const off = await pendingResetUnder({ callerVerification: 'off', ticketReference: 'off' });
    const offStored = await off.world.deps.pendingActions.look('reset', off.resetId, IDS.alex);
    assert.ok(offStored.open);
    assert.ok(!('callerVerification' in offStored.action.shown));
    assert.ok(!('ticketReference' in offStored.action.shown));
  });

  it('refuses a click without a required detail, changes nothing, and leaves the card usable', async () => {
    const { world, resetId } = await pendingResetUnder(REQUIRE_BOTH);
    const refused = await confirmWith(world, resetId, { ticketReference: 'INC1' });
    assert.deepEqual(refused, { kind: 'rejected', reason: 'caller-verification-missing' });
    const noTicket = await confirmWith(world, resetId, { callerVerification: 'call-back' });
    assert.deepEqual(noTicket, { kind: 'rejected', reason: 'ticket-reference-missing' });
    assert.equal(world.directory.passwordChanges.length, 0);
    assert.deepEqual(
      world.audit.map((event) => [event.action, event.reason]),
      [
        ['reset-offered', undefined],
        ['card-action-rejected', 'caller-verification-missing'],
        ['card-action-rejected', 'ticket-reference-missing'],
      ],
    );

    const done = await confirmWith(world, resetId, {
      callerVerification: 'call-back',
      ticketReference: 'INC1',
    });
    assert.equal(done.kind, 'done', 'the same card still resets once the details are given');
    assert.equal(world.directory.passwordChanges.length, 1);
  });

  it('refuses a forged method or ticket, without the forged value in the audit record', async () => {
    const { world, resetId } = await pendingResetUnder(REQUIRE_BOTH);
    const forgedMethod = await confirmWith(world, resetId, {
      callerVerification: 'trust-me',
      ticketReference: 'INC1',
    });
    assert.deepEqual(forgedMethod, { kind: 'rejected', reason: 'caller-verification-invalid' });
    const forgedTicket = await confirmWith(world, resetId, {
      callerVerification: 'call-back',
      ticketReference: 'INC1 [approved](https://evil.example)',
    });
    assert.deepEqual(forgedTicket, { kind: 'rejected', reason: 'ticket-reference-invalid' });
    assert.equal(world.directory.passwordChanges.length, 0);
    assert.ok(!JSON.stringify(world.audit).includes('trust-me'));
    assert.ok(!JSON.stringify(world.audit).includes('evil.example'));
  });

  it('records the method and ticket in the audit record of the reset', async () => {
    const { world, resetId } = await pendingResetUnder(REQUIRE_BOTH);
    const done = await confirmWith(world, resetId, {
      callerVerification: 'manager-confirmed',
      ticketReference: 'INC0012345',
    });
    assert.ok(done.kind === 'done');
    assert.deepEqual(done.details, {
      callerVerification: 'manager-confirmed',
      ticketReference: 'INC0012345',
    });
    const success = world.audit.find((event) => event.action === 'reset-succeeded');
    assert.equal(success?.callerVerification, 'manager-confirmed');
    assert.equal(success?.ticketReference, 'INC0012345');
  });

  it('records them in the audit record of a failed reset too', async () => {
    const { world, resetId } = await pendingResetUnder(REQUIRE_BOTH);
    world.directory.failures.resetPassword = graphFailure(403, 'Authorization_RequestDenied', 'req-403');
    const failed = await confirmWith(world, resetId, {
      callerVerification: 'in-person-id',
      ticketReference: 'SR-7',
    });
    assert.equal(failed.kind, 'failed');
    const failure = world.audit.find((event) => event.action === 'reset-failed');
    assert.equal(failure?.callerVerification, 'in-person-id');
    assert.equal(failure?.ticketReference, 'SR-7');
  });

  it('records optional details left empty as null', async () => {
    const { world, resetId } = await pendingResetUnder({
      callerVerification: 'optional',
      ticketReference: 'optional',
    });
    assert.equal((await confirmWith(world, resetId, {})).kind, 'done');
    const success = world.audit.find((event) => event.action === 'reset-succeeded');
    assert.equal(success?.callerVerification, null);
    assert.equal(success?.ticketReference, null);
  });

  it('ignores forged details when off, and records none', async () => {
    const { world, resetId } = await pendingResetUnder({ callerVerification: 'off', ticketReference: 'off' });
    const done = await confirmWith(world, resetId, {
      callerVerification: 'trust-me',
      ticketReference: '[x](y)',
    });
    assert.equal(done.kind, 'done');
    const success = world.audit.find((event) => event.action === 'reset-succeeded');
    assert.ok(success && !('callerVerification' in success) && !('ticketReference' in success));
  });

  it('holds a click to what its card asked, not to the settings of today', async () => {
    const { world, resetId } = await pendingResetUnder(undefined);
    world.deps.verification = REQUIRE_BOTH;
    assert.equal((await confirmWith(world, resetId, {})).kind, 'done');
  });
});
