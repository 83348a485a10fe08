// Where a compound's parts may lie, read by the server (it refuses a gate or an item elsewhere) and
// the browser (a printed frame grows by the item margin so every placed item is inside it).

/** Gates must sit on their compound's wall: at most this far from the boundary, metres. */
export const GATE_MAX_OFFSET_M = 30;
/** Buildings and item locations belong to their compound: at most this far outside it, metres. */
export const ITEM_MAX_OUTSIDE_M = 20;
