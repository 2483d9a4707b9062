/** The one task queue every Lethe workflow and activity runs on. */
export const TASK_QUEUE = 'lethe';

/** Workflow ids are built here and nowhere else. */
export const accountWorkflowId = (accountId: string): string => `account-${accountId}`;
export const erasureWorkflowId = (accountId: string, requestId: string): string => `erasure-${accountId}-${requestId}`;
export const subProcessorWorkflowId = (subProcessorId: string): string => `sub-processor-${subProcessorId}`;
export const breachWorkflowId = (breachId: string): string => `breach-${breachId}`;
export const accessGrantWorkflowId = (grantId: string): string => `access-grant-${grantId}`;
