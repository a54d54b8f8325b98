export * from "./constants";
export * from "./roomSchema";
export { createRoomDoc, RoomDocError, type NewMission, type NewTask, type RoomDoc, type RoomDocOptions, type RoomPart, type RoomTypes } from "./roomDoc";
export {
  backOff,
  claimStatus,
  claimTask,
  compareClaims,
  finishTask,
  isClaimStale,
  ownerOf,
  pickNextTask,
  reapStaleClaims,
  releaseTask,
  viewBoard,
  viewTask,
  winningClaim,
  type ClaimOptions,
  type ClaimRefusal,
  type TaskView,
} from "./claims";
export {
  compareDirectives,
  directiveSchema,
  OVERRIDE_EVENT_TYPE,
  OVERRIDE_ORDER,
  resolveOverride,
  type Directive,
  type DirectiveSource,
  type OverrideData,
  type OverrideDecision,
} from "./override";
export { splitMission, type SplitTask } from "./splitMission";
export {
  consensusSkips,
  decideAgent,
  EMPTY_MEMORY,
  goalIdOf,
  isTaskGoal,
  type AgentAction,
  type AgentInput,
  type AgentMemory,
  type AgentSignals,
} from "./roomAgent";
export { applyAgentActions, type AgentContext } from "./applyAgentActions";
