"""Serve Debian's Keystone (public API) on 127.0.0.1 with a small threaded wsgiref server.

Usage: /usr/bin/python3 keystone_wsgi.py PORT
The configuration comes from OS_KEYSTONE_CONFIG_FILES (set by run.sh); without it Keystone
silently reads /etc/keystone and fails on the first token.
"""
import socketserver
import sys
import time
from wsgiref import simple_server

port = int(sys.argv[1])
# Keystone's WSGI app parses sys.argv itself (oslo.config): hide our own arguments from it.
del sys.argv[1:]

from keystone.server.wsgi import initialize_public_application  # noqa: E402


class ThreadingWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class QuietHandler(simple_server.WSGIRequestHandler):
    def address_string(self):  # no reverse DNS lookups
        return self.client_address[0]

    def log_message(self, fmt, *args):
        now = time.time()
        sys.stderr.write("%s.%03d keystone-http %s\n" % (time.strftime("%H:%M:%S", time.localtime(now)), int(now * 1000) % 1000, fmt % args))


application = initialize_public_application()
server = simple_server.make_server("127.0.0.1", port, application,
                                   server_class=ThreadingWSGIServer,
                                   handler_class=QuietHandler)
sys.stderr.write("keystone listening on http://127.0.0.1:%d\n" % port)
sys.stderr.flush()
server.serve_forever()
