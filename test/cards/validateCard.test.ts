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

  it('refuses a card of 28 KB or more', () => {
    const card = minimal({ body: [{ type: 'TextBlock', text: 'x'.repeat(28 * 1024), wrap: true }] });
    assert.match(validateCard(card).join(), /bytes, budget is 28672/);
  });
});
