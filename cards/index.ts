export * from './types';
export { buildUserPickerCard } from './userPickerCard';
export { buildConfirmResetCard } from './confirmResetCard';
export { buildResetDoneCard } from './resetDoneCard';
export { buildResetCancelledCard } from './resetCancelledCard';
export { buildTemporaryPasswordCard } from './temporaryPasswordCard';
export { buildProblemCard } from './problemCard';
export { buildHelpCard } from './helpCard';
export * from './presenters';
