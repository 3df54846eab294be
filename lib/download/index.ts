export * from './download.js';
export * from './download-constants.js';
export * from './download-error.js';
export type { Delivery, DownloadJob, DownloadOptions, Downloaded, LinkMemory, WorkerChange } from './download-job.js';
export { LinkEstimate } from './link-estimate.js';
