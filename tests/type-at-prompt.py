#!/usr/bin/env python3
# Runs a program on a new terminal, waits for its "(not shown): " prompt,
# then types VALUE and Enter; prints everything the terminal showed and
# exits with the program's status. With --interrupt it presses Ctrl+C at
# the prompt instead and succeeds only if the program died of SIGINT and
# left the terminal echoing again.
#   type-at-prompt.py [--interrupt] VALUE PROGRAM [ARG…]
import os
import pty
import select
import signal
import sys
import termios

PROMPT = b"(not shown): "
signal.alarm(60)  # bounded: a program that never prompts fails the test
args = sys.argv[1:]
interrupt = args[0] == "--interrupt"
if interrupt:
    args = args[1:]
value, argv = args[0].encode(), args[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

shown = b""


def read_some():
    global shown
    select.select([fd], [], [])
    try:
        chunk = os.read(fd, 4096)
    except OSError:  # EIO: the program has closed the terminal
        chunk = b""
    shown += chunk
    return chunk


while PROMPT not in shown:
    if not read_some():
        sys.stdout.buffer.write(shown)
        sys.exit("the program ended without prompting")
echo_at_prompt = termios.tcgetattr(fd)[3] & termios.ECHO
os.write(fd, b"\x03" if interrupt else value + b"\n")
if interrupt:
    _, status = os.waitpid(pid, 0)
    echoing = termios.tcgetattr(fd)[3] & termios.ECHO
    if echo_at_prompt or not echoing or not os.WIFSIGNALED(status) \
            or os.WTERMSIG(status) != signal.SIGINT:
        sys.exit("echo at prompt %s, after %s, status %d" % (bool(echo_at_prompt), bool(echoing), status))
    sys.exit(0)
while read_some():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
if echo_at_prompt:
    sys.exit("the terminal echoed at the prompt")
sys.exit(os.waitstatus_to_exitcode(status))
