/** Limits shared by the browser, the workers and the server. Each has its reason. */

/** A JSONB document larger than this is refused: it keeps rows small enough to index and ship. */
export const MAX_JSON_BYTES = 256 * 1024;
/** Tags are for classification and fast filtering; more than this is a sign of misuse. */
export const MAX_TAGS = 64;
/** Long tags defeat the GIN index's purpose and the UI's chips. */
export const MAX_TAG_LENGTH = 64;
/** Energy is a plain PostgreSQL INTEGER. */
export const ENERGY_MIN = -2_147_483_648;
export const ENERGY_MAX = 2_147_483_647;
/** A page of a list; larger pages stall the UI and the single PGlite connection. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** How many calls one batched tRPC request may carry. */
export const MAX_BATCH_SIZE = 20;
/** How many rows one createMany call may carry. */
export const MAX_CREATE_MANY = 5_000;
/** Graph walks stay cheap and readable at these depths. */
export const MAX_NEIGHBOR_DEPTH = 3;
export const MAX_PATH_DEPTH = 6;
/** A neighbourhood larger than this is cut off (and says so). */
export const MAX_NEIGHBORS = 500;
/** Every embedding in LuxOS is 384-d (E5-small / MiniLM class), in the browser and on the server. */
export const EMBEDDING_DIMENSIONS = 384;
/** The branch every row belongs to unless it says otherwise. */
export const MAIN_BRANCH = "main";
/** A being's name, as shown everywhere. */
export const MAX_NAME_LENGTH = 200;
