"""Whether this server is draining: shutting down, finishing what it has, taking nothing new.

The flag lives in one byte of anonymous shared memory, created when this
module is first imported. The server's main process imports it
(config/server.py) before it forks any worker, so the main process and every
worker, including those forked later, share the byte: the main process sets
it on SIGTERM and every worker's `/ready` sees it at once. Outside the server
it is simply never set.
"""

import mmap

_flag = mmap.mmap(-1, 1)


def begin():
    _flag[0] = 1


def is_draining():
    return _flag[0] == 1
