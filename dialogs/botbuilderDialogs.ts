/**
 * The parts of botbuilder-dialogs the bot uses, each loaded from its own module. The package's index also loads
 * every other prompt and, behind them, the Recognizers-Text date, number and choice models: about 400 ms of
 * start-up and 30 MB of heap that the bot never uses (issue #11). 4.23.3 is botbuilder's final release, pinned
 * exactly, so these paths stay put. Production code imports botbuilder-dialogs from here only;
 * test/e2e/productionStart.test.ts fails if the index comes back.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export {
  Dialog,
  DialogTurnStatus,
  type DialogInstance,
  type DialogTurnResult,
} from 'botbuilder-dialogs/lib/dialog';
export type { DialogContext } from 'botbuilder-dialogs/lib/dialogContext';
export { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { OAuthPrompt } from 'botbuilder-dialogs/lib/prompts/oauthPrompt';
export type { PromptOptions } from 'botbuilder-dialogs/lib/prompts/prompt';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
export type { WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext';
