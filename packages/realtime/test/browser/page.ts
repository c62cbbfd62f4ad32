/**
 * The page the browser tests load: it imports the bundled client and exposes `follow`, which
 * reads a channel to its end and reports what it received and over which transports.
 */
export const pageHtml = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>realtime client</title></head>
  <body>
    <pre id="log"></pre>
    <script type="module">
      import { createRealtimeClient } from '/client.js';
      window.received = [];
      window.transportsUsed = [];
      window.follow = async ({ channel, blockWebSocket, offset, transports }) => {
        if (blockWebSocket) {
          // What a page sees when a policy or an extension forbids WebSocket.
          window.WebSocket = function () {
            throw new DOMException('WebSocket is blocked here', 'SecurityError');
          };
        }
        const client = createRealtimeClient({
          url: location.origin + '/realtime',
          backoff: { initialMs: 10, maxMs: 100, factor: 2 },
          maxConnectFailures: 1,
          ...(transports ? { transports } : {}),
          logger: {
            debug: (message, fields) => {
              if (message === 'realtime: connected') window.transportsUsed.push(fields.transport);
            },
          },
        });
        try {
          for await (const event of client.channel(channel, offset ? { offset } : {})) {
            window.received.push(event);
            document.getElementById('log').textContent += JSON.stringify(event) + '\\n';
          }
        } finally {
          client.close();
        }
        return { received: window.received, transportsUsed: window.transportsUsed };
      };
      window.ready = true;
    </script>
  </body>
</html>`;
