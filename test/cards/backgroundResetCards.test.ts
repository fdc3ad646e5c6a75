import assert from 'node:assert/strict';
import {
  internalErrorCard,
  resettingCard,
  storeUnavailableMessage,
  storeUnavailableResetCard,
  unfinishedResetCard,
} from '../../cards';
import { validateCard } from '../../cards/validateCard';
import type { PendingReset } from '../../core/pendingActions';
import { actionsIn, elementsOfType, visibleTexts } from './cardInspection';
import { hostileTexts } from './fixtures';

function pending(text = 'Megan Bowen'): PendingReset {
  return {
    kind: 'reset',
    id: '7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
    requesterName: text === 'Megan Bowen' ? 'Alex Wilber' : text,
    conversationId: 'a:1',
    createdAt: '2026-01-01T10:00:00Z',
    expiresAt: '2026-01-01T10:15:00Z',
    targetId: 'e1a00000-0000-4000-8000-000000000002',
    targetDisplayName: text,
    targetUserPrincipalName: text === 'Megan Bowen' ? 'meganb@contoso.com' : text,
    shown: {
      target: {
        jobTitle: null,
        department: null,
        accountEnabled: true,
        onPremisesSyncEnabled: null,
        lastPasswordChangeDateTime: null,
      },
      warnings: [],
    },
  };
}

describe('the cards of a reset finished after its click', () => {
  it('"Resetting…" names who asked for whom, promises the outcome in time, and has no button', () => {
    const card = resettingCard(pending(), 20);
    assert.deepEqual(validateCard(card), []);
    const texts = visibleTexts(card).join('\n');
    assert.match(texts, /Resetting the password of Megan Bowen…/);
    assert.match(
      texts,
      /Alex Wilber asked .* \(meganb@contoso\.com\)\. This card shows the outcome within 20 seconds/,
    );
    assert.match(texts, /only to Alex Wilber's 1:1 chat/);
    assert.deepEqual(actionsIn(card), []);
  });

  it('the unfinished card says the outcome is unknown and how to find out', () => {
    const card = unfinishedResetCard(pending(), 20);
    assert.deepEqual(validateCard(card), []);
    const texts = visibleTexts(card).join('\n');
    assert.match(texts, /could not confirm whether the password of Megan Bowen was reset/);
    assert.match(texts, /within 20 seconds/);
    assert.match(texts, /last password change in the Microsoft Entra admin center/);
  });

  it('the internal error card gives the reference', () => {
    assert.match(visibleTexts(internalErrorCard('ref-1')).join('\n'), /reference ref-1/);
  });

  for (const [kind, text] of Object.entries(hostileTexts)) {
    it(`shows hostile text literally and stays valid (${kind})`, () => {
      for (const card of [resettingCard(pending(text), 20), unfinishedResetCard(pending(text), 20)]) {
        assert.deepEqual(validateCard(card), []);
        // Untrusted text only in TextRuns (no markdown), never in a TextBlock, and never backslash-escaped.
        assert.deepEqual(elementsOfType(card, 'TextBlock'), []);
        if (kind === 'markdownLink') {
          const runs = elementsOfType(card, 'TextRun').map((run) => String(run.text));
          assert.ok(
            runs.some((run) => run.includes(text)),
            'shown verbatim',
          );
        }
      }
    });
  }
});

describe('the words for a store that is out of reach', () => {
  it('the message says what happened, that nothing changed, and to try again soon; never "something went wrong"', () => {
    const message = storeUnavailableMessage('ref-2');
    assert.match(message, /cannot reach my storage/);
    assert.match(message, /Nothing was changed/);
    assert.match(message, /try again in a minute/);
    assert.match(message, /Reference: ref-2$/);
    assert.doesNotMatch(message, /something went wrong/i);
  });

  it('the card of a claimed reset says the password was not reset and to ask again, and has no button', () => {
    const card = storeUnavailableResetCard(pending(), 'ref-3');
    assert.deepEqual(validateCard(card), []);
    const texts = visibleTexts(card).join('\n');
    assert.match(texts, /The password of Megan Bowen was not reset/);
    assert.match(texts, /could not reach my storage.*reference ref-3/);
    assert.match(texts, /no temporary password was sent/);
    assert.match(texts, /ask me again/);
    assert.doesNotMatch(texts, /something went wrong/i);
    assert.deepEqual(actionsIn(card), []);
  });
});
