// The workflow bundle's entry point: every workflow the worker registers is exported here.
export { accountWorkflow } from './account-workflow';
export { emptyTrashWorkflow } from './empty-trash-workflow';
export { erasureWorkflow } from './erasure-workflow';
export { healthCheckWorkflow } from './health-check-workflow';
export { subProcessorWorkflow } from './sub-processor-workflow';
export { requestClockWorkflow } from './request-clock-workflow';
export { breachWorkflow } from './breach-workflow';
export { accessGrantWorkflow } from './access-grant-workflow';
