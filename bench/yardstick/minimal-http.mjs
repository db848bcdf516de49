// The yardstick for the daemon's API: the least a Node HTTP server does per request. node:http,
// one route per file of SPEC ({ port_file, bodies: { "/path": FILE } }), each answered with the
// bytes of its file (the conductor's own answer, saved once; typed JSON, or HTML for a .html file:
// the dashboard bench's floor page), keep-alive, no framework, no auth, no work. Writes its port to port_file once listening; SIGTERM: close, exit 0.
import fs from 'node:fs';
import http from 'node:http';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const bodies = new Map(Object.entries(spec.bodies).map(([route, file]) => [route, fs.readFileSync(file)]));
const types = new Map(Object.entries(spec.bodies).map(([route, file]) => [route, file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8']));
const server = http.createServer((request, response) => {
  const route = (request.url ?? '').split('?')[0];
  const body = bodies.get(route);
  if (!body) return response.writeHead(404).end();
  response.writeHead(200, { 'content-type': types.get(route), 'content-length': body.length }).end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => fs.writeFileSync(spec.port_file, String(server.address().port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
