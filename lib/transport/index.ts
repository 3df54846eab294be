export * from './connection.js';
export * from './from-socket.js';
export * from './connect-tcp.js';
export * from './listen-tcp.js';
export * from './memory-pair.js';
export * from './socks5.js';
export * from './connect-websocket.js';
export * from './websocket-bridge.js';
