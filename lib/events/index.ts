export { addressSchema, type Address } from "./address";
export { MAX_EVENT_DATA_BYTES } from "./constants";
export { createEvent, createTrustedEvent, EventError, type CreateEventInput } from "./createEvent";
export {
  EVENT_ENVELOPE_VERSION,
  jsonDataProblem,
  eventEnvelopeSchema,
  spanIdSchema,
  traceIdSchema,
  isEventType,
  parseEvent,
  traceOf,
  type EventData,
  type EventEnvelope,
  type EventParseError,
  type KnownEvent,
  type TraceContext,
} from "./eventEnvelope";
export {
  EVENT_DATA_SCHEMAS,
  isKnownEventType,
  jsonValueSchema,
  mindLayerSchema,
  type DecisionData,
  type KnownEventType,
  type MessageData,
  type MindLayer,
  type SignalData,
  type StateData,
} from "./eventKinds";
export { cryptoRandomBytes, newEventId, newSpanId, newTraceId, pooledRandomBytes, seededRandomBytes, type EventId, type RandomBytes } from "./ids";
export { formatTraceparent, parseTraceparent } from "./traceparent";
export { fromCloudEvent, parseCloudEventsNdjson, toCloudEvent, toCloudEventsNdjson, type CloudEvent, type NdjsonProblem } from "./cloudEvents";
