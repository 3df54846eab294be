/** The simulated internet for tests and the bench: shaping proxies on loopback addresses of their own. */
export { checkFaults, type SimFaults } from './faults.js';
export { LinkPacer, SLOW_START_FLOOR, type PacerOptions } from './link-pacer.js';
export { seededRandom } from './seeded-random.js';
export { MAX_PIECE, ShapedDirection, WINDOW_MARGIN, type DirectionEnds } from './shaped-direction.js';
export { SimConnection, type ByteCounters, type LinkSpec, type SimConnectionOptions } from './sim-connection.js';
export { createSimNet, type SimNet, type SimNetOptions } from './sim-net.js';
export { startSimPeer, type SimPeer, type SimPeerContext, type SimPeerOptions, type SimPeerStats } from './sim-peer.js';
