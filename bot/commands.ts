/**
 * What a requester's message asks for. Teams delivers the text as typed (minus the bot's @mention);
 * anything not recognised as a command is treated by the conversation as the answer to its question.
 */
export type Command =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'sign-out' }
  | { kind: 'reset'; query: string | undefined }
  | { kind: 'other'; text: string };

const HELP = /^(help|\?|what can you do\??)$/i;
const CANCEL = /^(cancel|stop|quit|never ?mind)$/i;
const SIGN_OUT = /^(sign ?out|log ?out|log ?off)$/i;
// "reset", "reset password", "reset the password for megan", "reset megan@contoso.com", "password reset for x"
const RESET = /^(?:reset(?:\s+(?:the\s+|a\s+)?password)?|password\s+reset)(?:\s+(?:for|of))?(?:\s+(.*))?$/i;

export function parseCommand(text: string): Command {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (HELP.test(trimmed)) return { kind: 'help' };
  if (CANCEL.test(trimmed)) return { kind: 'cancel' };
  if (SIGN_OUT.test(trimmed)) return { kind: 'sign-out' };
  const reset = RESET.exec(trimmed);
  if (reset) {
    const query = reset[1]?.trim();
    return { kind: 'reset', query: query ? query : undefined };
  }
  return { kind: 'other', text: trimmed };
}
