/** The password-reset use cases, in the order a requester meets them. */
export { checkRequesterMayUseBot } from './checkRequester';
export { findResetTarget, MAX_CANDIDATES } from './findResetTarget';
export { pickUser, prepareReset } from './prepareReset';
export { claimReset, completeReset } from './confirmReset';
export { unreachableRefusal } from './privateChat';
export { cancelReset } from './cancelReset';
export { viewPendingAction } from './viewPendingAction';
export type * from './outcomes';
export type * from './privateChat';
export {
  CALLER_VERIFICATION_METHODS,
  type CallerVerificationMethod,
  type DetailRequirement,
  type ResetDetails,
  TICKET_REFERENCE_MAX_LENGTH,
  TICKET_REFERENCE_PATTERN,
  type VerificationSettings,
} from './callerVerification';
