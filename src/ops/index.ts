export * from './context.js';
export * from './init.js';
export * from './db.js';
export * from './pull.js';
export * from './pull-early.js';
export * from './status.js';
export * from './diff.js';
export * from './commit.js';
export * from './log.js';
export * from './show.js';
export * from './refs.js';
export * from './migrate.js';
export * from './changes.js';
export * from './merge.js';
export * from './lint.js';
export { identity, type IdentityInfo } from './identity.js';
export { verifyCommit, type VerifyResult, type KeyContext } from './signatures.js';
export { verifyTag } from './annotated-tag.js';
export { trustAdd, trustList, trustRemove, trustThreshold, trustSign, allowedSigners, type TrustView, type TrustChange, type TrustMember } from './trust.js';
export { secretSet, secretList, secretRm, secretReseal, type SecretEntry } from './secret.js';
export { clone, type CloneOptions, type CloneResult, type CloneEvent } from './clone.js';
export { verify, type VerifyOptions, type VerifyResult as VerifyDataResult, type TableCheck } from './verify.js';
export { mv, type MvResult } from './mv.js';
export { maskSuggest, type MaskSuggestResult } from './mask.js';
export { configValue } from './config-set.js';
export { mcpGrant, type McpGrantResult } from './mcp-grant.js';
export { loadMcpSettings, type McpSettings, type McpLimits } from './mcp-settings.js';
export { mcpTokenCreate, mcpTokenList, mcpTokenRevoke, type McpToken } from './mcp-tokens.js';
export { parseEngine } from './engines.js';
export {
  replicate,
  replicateStatus,
  replicateDrop,
  type ReplicateOptions,
  type ReplicateStatus,
  type JobStatus as ReplicateJobStatus,
  type JobEvent,
  type JobResult,
} from './replicate.js';
export { replicateToDaemon, daemonJobs, daemonJobPause, daemonJobResume, daemonJobDrop, type DaemonJobView } from './daemon-jobs.js';
export { daemonStart, daemonStop, daemonStatus, parseMetricsAddress, type DaemonView, type MetricsAddress } from './daemon.js';
export { daemonLogs } from './daemon-logs.js';
export { systemdUnit, writeSystemdUnit, type SystemdUnit } from './daemon-systemd.js';
