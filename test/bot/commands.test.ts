import assert from 'node:assert/strict';
import { type Command, parseCommand } from '../../bot/commands';

describe('parseCommand', () => {
  const cases: Array<[string, Command]> = [
    ['help', { kind: 'help' }],
    ['  HELP ', { kind: 'help' }],
    ['cancel', { kind: 'cancel' }],
    ['sign out', { kind: 'sign-out' }],
    ['Signout', { kind: 'sign-out' }],
    ['log out', { kind: 'sign-out' }],
    ['reset', { kind: 'reset', query: undefined }],
    ['reset password', { kind: 'reset', query: undefined }],
    ['reset password for megan', { kind: 'reset', query: 'megan' }],
    ['Reset the password of Megan Bowen', { kind: 'reset', query: 'Megan Bowen' }],
    ['reset megan@contoso.com', { kind: 'reset', query: 'megan@contoso.com' }],
    ["password reset for  o'brien", { kind: 'reset', query: "o'brien" }],
    ['reset for megan', { kind: 'reset', query: 'megan' }],
    ['megan', { kind: 'other', text: 'megan' }],
    ['resetting things', { kind: 'other', text: 'resetting things' }],
  ];
  for (const [text, expected] of cases) {
    it(`reads "${text}" as ${expected.kind}`, () => {
      assert.deepEqual(parseCommand(text), expected);
    });
  }
});
