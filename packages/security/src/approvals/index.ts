export { isApprovalRequested, isApprovalResolved } from './approval-events.js';
export { createApprovals } from './create-approvals.js';
export type {
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalRequestedEvent,
  ApprovalResolvedEvent,
  Approvals,
  ApprovalsOptions,
} from './approval-types.js';
