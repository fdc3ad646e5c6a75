import { InputHints, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
  type PromptOptions,
} from './botbuilderDialogs';

/** What the prompt keeps on the dialog stack: TextPrompt's shape (see below). */
interface PromptState {
  options: PromptOptions;
  state: object;
}

/**
 * Asks a question and ends with the text of the next message: botbuilder-dialogs' `TextPrompt` without its base
 * class, which loads the choice recognizers and, behind them, the Recognizers-Text number models for eight
 * languages (1.2 MB of source held in memory, about 50 ms of every start; issue #11), for prompts this bot does
 * not have. It behaves as TextPrompt does without a validator: an activity other than a message is ignored, a
 * message without text is asked again (unless the turn already answered), and the question is asked again when
 * the prompt resumes. Its state has TextPrompt's shape, so a question asked before a deployment is answered
 * after it (test/dialogs/plainTextPrompt.test.ts).
 */
export class PlainTextPrompt extends Dialog<PromptOptions> {
  override async beginDialog(dc: DialogContext, options: PromptOptions = {}): Promise<DialogTurnResult> {
    const state: PromptState = { options, state: {} };
    Object.assign(activeInstance(dc).state, state);
    await ask(dc.context, options, false);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { type, text } = dc.context.activity;
    if (type !== 'message') return Dialog.EndOfTurn;
    if (typeof text === 'string' && text.length > 0) return dc.endDialog(text);
    if (!dc.context.responded) await ask(dc.context, optionsOf(activeInstance(dc)), true);
    return Dialog.EndOfTurn;
  }

  override async resumeDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await this.repromptDialog(dc.context, activeInstance(dc));
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await ask(context, optionsOf(instance), false);
  }
}

async function ask(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void> {
  const question = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
  if (question) await context.sendActivity(question, undefined, InputHints.ExpectingInput);
}

/** The dialog context of a running dialog always has its instance; botbuilder types it as optional. */
function activeInstance(dc: DialogContext): DialogInstance {
  const instance = dc.activeDialog;
  if (!instance) throw new Error('PlainTextPrompt: no active dialog');
  return instance;
}

function optionsOf(instance: DialogInstance): PromptOptions {
  return (instance.state as Partial<PromptState>).options ?? {};
}
