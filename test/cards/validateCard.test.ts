import assert from 'node:assert/strict';
import type { AdaptiveCardJson } from '../../cards';
import { validateCard } from '../../cards/validateCard';

const minimal = (extra: Record<string, unknown> = {}): AdaptiveCardJson => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: 'Hello', wrap: true }],
  ...extra,
});

describe('validateCard', () => {
  it('accepts a minimal 1.5 card', () => {
    assert.deepEqual(validateCard(minimal()), []);
  });

  it('refuses a version above 1.5, which Teams does not render for bots', () => {
    assert.match(validateCard(minimal({ version: '1.6' })).join(), /version 1\.6 is above 1\.5/);
  });

  it('refuses an element type the renderer does not know', () => {
    assert.match(validateCard(minimal({ body: [{ type: 'Bogus' }] })).join(), /Unknown element type "Bogus"/);
  });

  it('refuses an invalid property value', () => {
    const card = minimal({ body: [{ type: 'TextBlock', text: 'x', fontType: 'Comic' }] });
    assert.match(validateCard(card).join(), /fontType/);
  });

  it('refuses duplicate input ids', () => {
    const toggle = { type: 'Input.Toggle', id: 'revokeSessions', title: 'x' };
    assert.match(validateCard(minimal({ body: [toggle, toggle] })).join(), /Duplicate Id/);
  });

  it('refuses an Action.Execute without a verb', () => {
    const card = minimal({ actions: [{ type: 'Action.Execute', title: 'Go', data: {} }] });
    assert.match(validateCard(card).join(), /no verb/);
  });

  const refresh = (userIds: unknown, action: object = { type: 'Action.Execute', verb: 'refreshCard' }) => ({
    refresh: { action, userIds },
  });

  it('accepts a user-specific view: a refresh with an Action.Execute and up to 60 Teams user ids', () => {
    assert.deepEqual(validateCard(minimal(refresh(['29:alex']))), []);
    assert.deepEqual(validateCard(minimal(refresh([]))), []);
    assert.deepEqual(validateCard(minimal(refresh(Array.from({ length: 60 }, (_, i) => `29:${i}`)))), []);
  });

  it('refuses a refresh for more than 60 users, without user ids, or without an Action.Execute', () => {
    const many = Array.from({ length: 61 }, (_, i) => `29:${i}`);
    assert.match(validateCard(minimal(refresh(many))).join(), /61 ids, Teams allows 60/);
    assert.match(validateCard(minimal(refresh(undefined))).join(), /userIds is not a list/);
    assert.match(
      validateCard(minimal(refresh(['29:alex'], { type: 'Action.Submit' }))).join(),
      /not an Action\.Execute/,
    );
    assert.match(
      validateCard(minimal({ ...refresh(['29:alex']), version: '1.4' })).join(),
      /must be version 1\.5/,
    );
  });

  it('refuses a card of 28 KB or more', () => {
    const card = minimal({ body: [{ type: 'TextBlock', text: 'x'.repeat(28 * 1024), wrap: true }] });
    assert.match(validateCard(card).join(), /bytes, budget is 28672/);
  });
});
