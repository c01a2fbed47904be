// A dynalite server for the test suite: in memory, on loopback only (its own command
// line listens on every interface), tables active at once.
// Usage: node tests/dynalite.js [PORT]; PORT 0 (the default) picks a free one.
// Prints "listening PORT" once it accepts requests, and stops on SIGTERM or when
// its standard input closes, so it cannot outlive the test run that started it.
'use strict';

const dynalite = require('dynalite');

const port = Number(process.argv[2] ?? 0);
if (!Number.isInteger(port) || port < 0) {
  console.error('usage: node tests/dynalite.js [PORT]');
  process.exit(2);
}
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
