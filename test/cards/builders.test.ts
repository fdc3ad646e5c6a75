import assert from 'node:assert/strict';
import {
  buildConfirmResetCard,
  buildHelpCard,
  buildNoticeCard,
  buildProblemCard,
  buildResetCancelledCard,
  buildResetDoneCard,
  buildTemporaryPasswordCard,
  buildUserPickerCard,
  CardVerbs,
  type AdaptiveCardJson,
  type ConfirmResetInput,
  type ResetDoneInput,
  type UserSummary,
} from '../../cards';
import { validateCard } from '../../cards/validateCard';
import { actionsIn, elementsOfType, occurrences, stringsIn, visibleTexts } from './cardInspection';
import { FAKE_PASSWORD, hostileTexts, hostileUser, typicalUser } from './fixtures';

const COMPLETED_AT = '2025-03-04T09:15:30.123Z';
const COMPLETED_AT_RFC3339 = '2025-03-04T09:15:30Z';

function confirmInput(
  user: Partial<ConfirmResetInput['user']> = {},
  warnings: string[] = [],
): ConfirmResetInput {
  return {
    resetId: 'reset-7f3a',
    requesterName: 'Alex Wilber',
    user: {
      displayName: 'Megan Bowen',
      userPrincipalName: 'meganb@contoso.com',
      jobTitle: 'Marketing Manager',
      department: 'Marketing',
      accountEnabled: true,
      source: 'cloud',
      lastPasswordChangeDateTime: '2024-11-02T08:00:00Z',
      ...user,
    },
    warnings,
  };
}

function doneInput(overrides: Partial<ResetDoneInput> = {}): ResetDoneInput {
  return {
    requesterName: 'Alex Wilber',
    targetDisplayName: 'Megan Bowen',
    targetUserPrincipalName: 'meganb@contoso.com',
    completedAt: COMPLETED_AT,
    sessions: 'revoked',
    passwordDelivery: 'delivered',
    requireMfa: false,
    ...overrides,
  };
}

/** Every card the bot can show, filled with `text` wherever untrusted text goes. */
function everyCardWith(text: string): Record<string, AdaptiveCardJson> {
  const candidates = Array.from({ length: 12 }, (_, index) => hostileUser(index, text));
  return {
    picker: buildUserPickerCard({
      selectionId: 'sel-1',
      query: text,
      candidates,
      hasMore: true,
      setting: { conversation: 'channel', mention: `@${text}` },
    }),
    confirm: buildConfirmResetCard({
      ...confirmInput(
        {
          displayName: text,
          userPrincipalName: text,
          jobTitle: text,
          department: text,
          accountEnabled: false,
        },
        [text, `The account of ${text} is disabled.`],
      ),
      callerVerification: 'required',
      ticketReference: 'optional',
    }),
    done: buildResetDoneCard(
      doneInput({
        requesterName: text,
        targetDisplayName: text,
        targetUserPrincipalName: text,
        sessions: 'failed',
        details: { callerVerification: 'call-back', ticketReference: text },
      }),
    ),
    cancelled: buildResetCancelledCard({
      requesterName: text,
      targetDisplayName: text,
      cancelledAt: COMPLETED_AT,
    }),
    password: buildTemporaryPasswordCard({
      targetDisplayName: text,
      targetUserPrincipalName: text,
      temporaryPassword: FAKE_PASSWORD,
      requireMfa: true,
    }),
    problem: buildProblemCard({ title: text, message: text, nextStep: text, requestId: text }),
    notice: buildNoticeCard({ title: text, subtitle: text, message: `Waiting for ${text} to confirm.` }),
    help: buildHelpCard(),
  };
}

describe('every card', () => {
  const typical = everyCardWith('Megan Bowen');
  for (const [name, card] of Object.entries(typical)) {
    it(`builds a valid ${name} card (schema 1.5, under 28 KB) from typical data`, () => {
      assert.deepEqual(validateCard(card), []);
      assert.equal(card.version, '1.5');
      assert.equal(card.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
    });
  }

  for (const [kind, text] of Object.entries(hostileTexts)) {
    for (const [name, card] of Object.entries(everyCardWith(text))) {
      it(`builds a valid ${name} card from hostile text (${kind})`, () => {
        assert.deepEqual(validateCard(card), []);
      });
    }
  }

  it('never leaves an unbound template expression or a raw null in a card', () => {
    for (const card of Object.values(typical)) {
      for (const value of stringsIn(card)) {
        assert.doesNotMatch(value, /\$\{|null|undefined/, value);
      }
    }
  });

  it('renders template syntax arriving in data as text, without evaluating it', () => {
    for (const text of [hostileTexts.templateReference, hostileTexts.templateFunction]) {
      const card = buildConfirmResetCard(confirmInput({ displayName: text }));
      const texts = visibleTexts(card).join('\n');
      assert.ok(texts.includes(`Reset the password of ${text}?`), texts);
      assert.ok(!texts.includes('Reset the password of Alex Wilber?'));
      assert.ok(!texts.includes('Reset the password of x?'));
    }
  });

  it('shows untrusted text only in TextRuns, which take no markdown, never in a TextBlock or a fact', () => {
    const markup = [
      hostileTexts.markdownLink,
      hostileTexts.markdownEmphasis,
      hostileTexts.htmlAndEntities,
      hostileTexts.backslash,
    ];
    for (const raw of markup) {
      for (const [name, card] of Object.entries(everyCardWith(raw))) {
        if (name === 'help') continue;
        const interpreted = [
          ...elementsOfType(card, 'TextBlock').map((block) => block.text),
          ...elementsOfType(card, 'FactSet').flatMap((set) => stringsIn(set.facts)),
        ];
        for (const text of interpreted) assert.ok(!String(text).includes(raw), `${name}: "${String(text)}"`);
        const runs = elementsOfType(card, 'TextRun').map((run) => String(run.text));
        assert.ok(
          runs.some((text) => text.includes(raw)),
          `${name} shows "${raw}" verbatim in a TextRun`,
        );
      }
    }
  });

  it('adds no backslash escape anywhere, so that Teams on iOS and Android shows names as they are', () => {
    const texts = Object.entries(hostileTexts).filter(([, text]) => !text.includes('\\'));
    for (const [kind, text] of [['typical', 'megan_bowen@contoso.com (Sales) #1'], ...texts]) {
      for (const [name, card] of Object.entries(everyCardWith(text))) {
        for (const value of stringsIn(card)) {
          assert.ok(!value.includes('\\'), `${name} card, ${kind}: "${value}"`);
        }
      }
    }
    const upn = visibleTexts(
      buildConfirmResetCard(confirmInput({ userPrincipalName: 'megan_bowen@contoso.com' })),
    );
    assert.ok(upn.includes('megan_bowen@contoso.com'), JSON.stringify(upn));
  });

  it('keeps date functions in untrusted text from being evaluated', () => {
    for (const [name, card] of Object.entries(everyCardWith(hostileTexts.dateFunction))) {
      for (const value of stringsIn(card)) {
        assert.ok(!value.includes('{{DATE(2017-02-14'), `${name}: "${value}"`);
      }
    }
  });

  it('shows newlines and bidi overrides in untrusted text as neither', () => {
    for (const text of [hostileTexts.newlines, hostileTexts.bidiOverride]) {
      for (const [name, card] of Object.entries(everyCardWith(text))) {
        for (const value of stringsIn(card)) {
          assert.doesNotMatch(value, /[\n\r\u202e]/, `${name}: ${JSON.stringify(value)}`);
        }
      }
    }
  });

  it('caps a 500-character name', () => {
    const card = buildConfirmResetCard(confirmInput({ displayName: hostileTexts.longName }));
    const title = visibleTexts(card)[0] ?? '';
    assert.ok(title.length < 200, title);
    assert.ok(title.includes('…'));
  });

  it('shows dates as Adaptive Card DATE/TIME functions in strict RFC 3339', () => {
    const texts = visibleTexts(buildResetDoneCard(doneInput())).join('\n');
    assert.ok(
      texts.includes(`{{DATE(${COMPLETED_AT_RFC3339}, SHORT)}} {{TIME(${COMPLETED_AT_RFC3339})}}`),
      texts,
    );
  });

  it('does not pass an unparseable date through to the card', () => {
    const card = buildResetCancelledCard({
      requesterName: 'Alex Wilber',
      targetDisplayName: 'Megan Bowen',
      cancelledAt: '2025-13-45T99:99:99Z [x](y)',
    });
    const texts = visibleTexts(card).join('\n');
    assert.ok(!texts.includes('{{DATE'));
    assert.ok(!texts.includes('[x](y)'));
  });
});

describe('buildUserPickerCard', () => {
  function pickerWith(candidates: UserSummary[], hasMore = false) {
    return buildUserPickerCard({
      selectionId: 'sel-1',
      query: 'megan',
      candidates,
      hasMore,
      setting: { conversation: 'personal', mention: '@Helpdesk Reset' },
    });
  }
  const many = (count: number) =>
    Array.from({ length: count }, (_, index) => ({
      ...typicalUser,
      id: `e1a00000-0000-4000-8000-${(0x10 + index).toString(16).padStart(12, '0')}`,
    }));

  it('gives each candidate one selectUser button carrying only the selection id and the user id', () => {
    const actions = actionsIn(pickerWith(many(3)));
    assert.equal(actions.length, 3);
    actions.forEach((action, index) => {
      assert.equal(action.type, 'Action.Execute');
      assert.equal(action.verb, CardVerbs.selectUser);
      assert.deepEqual(action.data, { selectionId: 'sel-1', userId: many(3)[index]?.id });
    });
  });

  it('shows at most 10 candidates and says that there are more', () => {
    const card = pickerWith(many(14));
    assert.equal(actionsIn(card).length, 10);
    assert.match(
      visibleTexts(card).join('\n'),
      /More people match "megan" than fit here; these are the first 10/,
    );
  });

  it('says that there are more when the directory has more than the candidates given', () => {
    assert.match(visibleTexts(pickerWith(many(2), true)).join('\n'), /More people match/);
  });

  it('shows UPN, job title and department to tell namesakes apart', () => {
    const texts = visibleTexts(pickerWith([typicalUser]));
    assert.ok(texts.includes('meganb@contoso.com'));
    assert.ok(texts.includes('Marketing Manager · Marketing'));
  });

  it('says so when a candidate has neither job title nor department', () => {
    const texts = visibleTexts(pickerWith([{ ...typicalUser, jobTitle: null, department: '  ' }]));
    assert.ok(texts.includes('No job title or department'));
  });

  it('tells the agent how to refine the search, with the @mention Teams needs outside a 1:1 chat', () => {
    assert.match(
      visibleTexts(pickerWith(many(2))).join('\n'),
      /Not in the list\? Type a more specific name or the UPN \(for example megan@contoso\.com\)/,
    );
    const inChannel = buildUserPickerCard({
      selectionId: 'sel-1',
      query: 'megan',
      candidates: many(2),
      hasMore: false,
      setting: { conversation: 'channel', mention: '@Helpdesk Reset' },
    });
    assert.match(
      visibleTexts(inChannel).join('\n'),
      /Reply in this thread with @Helpdesk Reset and a more specific name or the UPN \(for example @Helpdesk Reset megan@contoso\.com\)/,
    );
  });
});

describe('buildConfirmResetCard', () => {
  const card = buildConfirmResetCard(confirmInput());

  it('carries exactly a confirmReset and a cancelReset action, each with only the reset id', () => {
    const actions = actionsIn(card).map((action) => ({
      type: action.type,
      verb: action.verb,
      data: action.data,
    }));
    assert.deepEqual(actions, [
      { type: 'Action.Execute', verb: CardVerbs.confirmReset, data: { resetId: 'reset-7f3a' } },
      { type: 'Action.Execute', verb: CardVerbs.cancelReset, data: { resetId: 'reset-7f3a' } },
    ]);
  });

  it('offers session revocation (on by default) and MFA first (off by default) as toggles', () => {
    const toggles = elementsOfType(card, 'Input.Toggle').map(({ id, value, valueOn, valueOff }) => ({
      id,
      value,
      valueOn,
      valueOff,
    }));
    assert.deepEqual(toggles, [
      { id: 'revokeSessions', value: 'true', valueOn: 'true', valueOff: 'false' },
      { id: 'requireMfa', value: 'false', valueOn: 'true', valueOff: 'false' },
    ]);
  });

  it('offers no MFA toggle when the reset is made as the agent (resetPassword has no such option)', () => {
    const asAgent = buildConfirmResetCard({ ...confirmInput(), mfaOption: false });
    assert.deepEqual(
      elementsOfType(asAgent, 'Input.Toggle').map(({ id }) => id),
      ['revokeSessions'],
    );
  });

  describe('how the caller was verified, and the ticket reference', () => {
    const inputsOf = (built: AdaptiveCardJson) =>
      [...elementsOfType(built, 'Input.ChoiceSet'), ...elementsOfType(built, 'Input.Text')].map((input) => ({
        id: input.id,
        isRequired: input.isRequired,
        label: input.label,
      }));

    it('asks for neither when the settings are off', () => {
      assert.deepEqual(inputsOf(card), []);
    });

    it('asks for both, marked optional, when optional', () => {
      const optional = buildConfirmResetCard({
        ...confirmInput(),
        callerVerification: 'optional',
        ticketReference: 'optional',
      });
      assert.deepEqual(inputsOf(optional), [
        { id: 'callerVerification', isRequired: false, label: 'How did you verify the caller? (optional)' },
        { id: 'ticketReference', isRequired: false, label: 'Ticket reference (optional)' },
      ]);
      assert.deepEqual(validateCard(optional), []);
    });

    it('requires each on the client when required, with an error message, independently', () => {
      const required = buildConfirmResetCard({ ...confirmInput(), callerVerification: 'required' });
      assert.deepEqual(inputsOf(required), [
        { id: 'callerVerification', isRequired: true, label: 'How did you verify the caller?' },
      ]);
      const [choice] = elementsOfType(required, 'Input.ChoiceSet');
      assert.match(String(choice?.errorMessage), /Choose how you verified the caller/);

      const ticketOnly = buildConfirmResetCard({ ...confirmInput(), ticketReference: 'required' });
      assert.deepEqual(inputsOf(ticketOnly), [
        { id: 'ticketReference', isRequired: true, label: 'Ticket reference' },
      ]);
      assert.deepEqual(validateCard(ticketOnly), []);
    });

    it('offers the fixed list of ways as stable codes, and none preselected', () => {
      const built = buildConfirmResetCard({ ...confirmInput(), callerVerification: 'required' });
      const [choice] = elementsOfType(built, 'Input.ChoiceSet');
      assert.deepEqual(
        (choice?.choices as { value: string }[]).map((option) => option.value),
        ['call-back', 'manager-confirmed', 'in-person-id', 'video-call-id', 'ticketing-system'],
      );
      assert.equal(choice?.value, undefined);
      assert.equal(choice?.isMultiSelect, undefined);
    });

    it('bounds the ticket on the client as the bot does on the server', () => {
      const built = buildConfirmResetCard({ ...confirmInput(), ticketReference: 'optional' });
      const [ticket] = elementsOfType(built, 'Input.Text');
      assert.equal(ticket?.maxLength, 64);
      const pattern = new RegExp(String(ticket?.regex));
      assert.ok(pattern.test('INC0012345') && pattern.test('SR-2024/117'));
      assert.ok(!pattern.test('[x](https://evil.example)') && !pattern.test('T'.repeat(65)));
    });

    it('asks for them in agent mode too, which has no MFA toggle', () => {
      const asAgent = buildConfirmResetCard({
        ...confirmInput(),
        mfaOption: false,
        callerVerification: 'required',
        ticketReference: 'required',
      });
      assert.deepEqual(
        elementsOfType(asAgent, 'Input.Toggle').map(({ id }) => id),
        ['revokeSessions'],
      );
      assert.deepEqual(
        inputsOf(asAgent).map(({ id }) => id),
        ['callerVerification', 'ticketReference'],
      );
      assert.deepEqual(validateCard(asAgent), []);
    });

    it('lets Cancel through without the inputs, and Reset password only with them', () => {
      const built = buildConfirmResetCard({ ...confirmInput(), callerVerification: 'required' });
      const [reset, cancel] = actionsIn(built);
      assert.equal(reset?.associatedInputs, undefined, 'Reset password validates and sends the inputs');
      assert.equal(cancel?.associatedInputs, 'none');
    });
  });

  it('says the temporary password goes only to the requester, privately', () => {
    assert.match(visibleTexts(card).join('\n'), /sent only to Alex Wilber, privately/);
  });

  it('shows where the account is mastered and whether it is enabled', () => {
    const onPremDisabled = buildConfirmResetCard(
      confirmInput({ source: 'on-premises', accountEnabled: false }),
    );
    const texts = visibleTexts(onPremDisabled);
    assert.ok(texts.includes('On-premises Active Directory'));
    assert.ok(texts.some((text) => text.startsWith('Disabled')));
  });

  it('shows absent attributes as "Not set" and an absent last change as "not recorded"', () => {
    const sparse = buildConfirmResetCard(
      confirmInput({ jobTitle: null, department: '', lastPasswordChangeDateTime: null }),
    );
    const texts = visibleTexts(sparse);
    assert.equal(texts.filter((text) => text === 'Not set').length, 2);
    assert.ok(texts.includes('Password last changed: not recorded'));
  });

  it('shows warnings in a warning container above the facts, and none when there are none', () => {
    const warned = buildConfirmResetCard(confirmInput({}, ['The account is disabled.']));
    const containers = elementsOfType(warned, 'Container').filter(
      (container) => container.style === 'warning',
    );
    assert.equal(containers.length, 1);
    assert.match(visibleTexts(warned).join('\n'), /The account is disabled\./);
    assert.equal(elementsOfType(card, 'Container').length, 0);
  });
});

describe('buildResetDoneCard', () => {
  it('has no actions', () => {
    assert.deepEqual(actionsIn(buildResetDoneCard(doneInput())), []);
  });

  it('says who reset whom', () => {
    assert.match(
      visibleTexts(buildResetDoneCard(doneInput())).join('\n'),
      /Alex Wilber reset the password of Megan Bowen \(meganb@contoso\.com\)/,
    );
  });

  it('when delivery failed, says the reset happened and to reset again from the 1:1 chat', () => {
    const texts = visibleTexts(buildResetDoneCard(doneInput({ passwordDelivery: 'failed' }))).join('\n');
    assert.match(texts, /password was reset, but .* could not be delivered/);
    assert.match(texts, /Reset it again from your 1:1 chat/);
  });

  it('when revoking sessions failed, says so and points to the Entra admin center', () => {
    const texts = visibleTexts(buildResetDoneCard(doneInput({ sessions: 'failed' }))).join('\n');
    assert.match(texts, /Signing the user out .* failed/);
    assert.match(texts, /Microsoft Entra admin center/);
  });

  const sessionLines: [ResetDoneInput['sessions'], RegExp][] = [
    ['revoked', /out of all sessions was requested; it takes effect within a few minutes/],
    ['not-requested', /sessions were left signed in/],
    [
      'unknown',
      /may or may not have been signed out.*Revoke the sessions in the Microsoft Entra admin center/,
    ],
  ];
  for (const [sessions, expected] of sessionLines) {
    it(`reports sessions "${sessions}"`, () => {
      assert.match(visibleTexts(buildResetDoneCard(doneInput({ sessions }))).join('\n'), expected);
    });
  }

  it('does not claim the user is already signed out: revoking takes Entra up to a few minutes', () => {
    const texts = visibleTexts(buildResetDoneCard(doneInput({ sessions: 'revoked' }))).join('\n');
    assert.doesNotMatch(texts, /was signed out|were signed out|has been signed out/);
  });

  it('shows how the caller was verified and the ticket, when the card asked', () => {
    const texts = visibleTexts(
      buildResetDoneCard(
        doneInput({ details: { callerVerification: 'in-person-id', ticketReference: 'INC0012345' } }),
      ),
    );
    assert.ok(texts.includes('Caller verified: In person, photo ID checked.'), JSON.stringify(texts));
    assert.ok(texts.includes('Ticket: INC0012345'), JSON.stringify(texts));

    const notGiven = visibleTexts(
      buildResetDoneCard(doneInput({ details: { callerVerification: null, ticketReference: null } })),
    );
    assert.ok(notGiven.includes('How the caller was verified was not recorded.'));
    assert.ok(notGiven.includes('No ticket reference was given.'));

    const notAsked = visibleTexts(buildResetDoneCard(doneInput())).join('\n');
    assert.doesNotMatch(notAsked, /caller|ticket/i);
  });

  it('says whether MFA comes before the password change', () => {
    assert.match(
      visibleTexts(buildResetDoneCard(doneInput({ requireMfa: true }))).join('\n'),
      /complete MFA/,
    );
    assert.doesNotMatch(visibleTexts(buildResetDoneCard(doneInput())).join('\n'), /MFA/);
  });
});

describe('buildResetCancelledCard', () => {
  it('has no actions and says nothing was changed', () => {
    const card = buildResetCancelledCard({
      requesterName: 'Alex Wilber',
      targetDisplayName: 'Megan Bowen',
      cancelledAt: COMPLETED_AT,
    });
    assert.deepEqual(actionsIn(card), []);
    assert.match(visibleTexts(card).join('\n'), /Alex Wilber cancelled .* Megan Bowen\. Nothing was changed/);
  });
});

describe('buildTemporaryPasswordCard', () => {
  const card = buildTemporaryPasswordCard({
    targetDisplayName: 'Megan Bowen',
    targetUserPrincipalName: 'meganb@contoso.com',
    temporaryPassword: FAKE_PASSWORD,
    requireMfa: false,
  });

  it('contains the password exactly once, verbatim, in a monospace TextRun', () => {
    assert.equal(occurrences(card, FAKE_PASSWORD), 1);
    const runs = elementsOfType(card, 'TextRun').filter((run) => run.text === FAKE_PASSWORD);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.fontType, 'Monospace');
    assert.deepEqual(
      elementsOfType(card, 'TextBlock').filter((block) => block.text === FAKE_PASSWORD),
      [],
    );
  });

  it('keeps a password full of markup characters verbatim', () => {
    const password = '*_[x](y)`#{{';
    const markup = buildTemporaryPasswordCard({
      targetDisplayName: 'Megan Bowen',
      targetUserPrincipalName: 'meganb@contoso.com',
      temporaryPassword: password,
      requireMfa: false,
    });
    const monospace = elementsOfType(markup, 'TextRun').filter((run) => run.fontType === 'Monospace');
    assert.deepEqual(
      monospace.map((run) => run.text),
      [password],
    );
  });

  it('names the user, the forced change, that it does not expire, and how to hand it over', () => {
    const texts = visibleTexts(card).join('\n');
    assert.match(texts, /Megan Bowen/);
    assert.match(texts, /meganb@contoso\.com/);
    assert.match(texts, /must replace this password/);
    assert.match(texts, /does not expire until it is used/);
    assert.match(texts, /trusted channel/);
    assert.match(texts, /Do not paste it into a chat, an email or a ticket/);
  });

  it('says MFA comes first when required', () => {
    const mfa = buildTemporaryPasswordCard({
      targetDisplayName: 'Megan Bowen',
      targetUserPrincipalName: 'meganb@contoso.com',
      temporaryPassword: FAKE_PASSWORD,
      requireMfa: true,
    });
    assert.match(visibleTexts(mfa).join('\n'), /complete MFA, then replace/);
  });

  it('has no actions', () => {
    assert.deepEqual(actionsIn(card), []);
  });
});

describe('cards other than the temporary password card', () => {
  it('never carry the password (snapshot of every other card, typical and hostile)', () => {
    const snapshots = [
      { text: 'Megan Bowen' },
      ...Object.values(hostileTexts).map((text) => ({ text })),
    ].flatMap(({ text }) =>
      Object.entries(everyCardWith(text))
        .filter(([name]) => name !== 'password')
        .map(([name, card]) => `${name}: ${JSON.stringify(card)}`),
    );
    assert.ok(snapshots.length > 50);
    for (const snapshot of snapshots) assert.ok(!snapshot.includes(FAKE_PASSWORD), snapshot.slice(0, 80));
  });
});

describe('buildProblemCard', () => {
  it('shows title, message, next step and the request id', () => {
    const card = buildProblemCard({
      title: 'Not allowed',
      message: 'A Helpdesk Administrator cannot reset a Global Administrator.',
      nextStep: 'Ask a Privileged Authentication Administrator.',
      requestId: '0f6d7c3e-1111-4a2b-9c3d-1234567890ab',
    });
    const texts = visibleTexts(card);
    assert.equal(texts[0], 'Not allowed');
    assert.ok(texts.includes('A Helpdesk Administrator cannot reset a Global Administrator.'));
    assert.ok(texts.includes('What to do: Ask a Privileged Authentication Administrator.'));
    assert.ok(texts.includes('Request id for support: 0f6d7c3e-1111-4a2b-9c3d-1234567890ab'));
    assert.deepEqual(actionsIn(card), []);
  });

  it('leaves out the request id line when there is none', () => {
    const card = buildProblemCard({
      title: 'Not found',
      message: 'No user matches.',
      nextStep: 'Check the UPN.',
    });
    assert.ok(!visibleTexts(card).some((text) => text.startsWith('Request id')));
  });
});

describe('buildHelpCard', () => {
  it('lists the example commands and says the password is only sent privately', () => {
    const texts = visibleTexts(buildHelpCard()).join('\n');
    for (const command of ['reset password for megan', 'reset megan@contoso.com', 'reset', 'help']) {
      assert.ok(texts.includes(command), command);
    }
    assert.match(texts, /helpdesk administrators/);
    assert.match(texts, /only ever sent to you privately/);
  });
});
