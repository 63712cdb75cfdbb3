/* cmd_interrupt.c - what plan, apply and destroy say when interrupted, where and in the
 * words Terraform 1.11 uses (its views.Operation):
 *
 *   first Ctrl-C, on stdout:   "\nInterrupt received.\nPlease wait for litehcl to exit or
 *                              data loss may occur.\nGracefully shutting down...\n\n"
 *                              "Stopping operation...\n"
 *   second Ctrl-C, on stderr:  "\nTwo interrupts received. Exiting immediately. Note that
 *                              data loss may have occurred.\n\n" (wrapped at the
 *                              terminal's width, 78 columns when not a terminal)
 *
 * and with -json both as "log" messages on stdout.  The signal handler only writes a byte
 * to a pipe (async-signal-safe); a thread of this file prints, through stdio, so the
 * message comes after what the run already printed (stdout is buffered when it is not a
 * terminal) instead of ahead of it, and under the progress lock, so it never lands inside
 * a progress line.  Before the second interrupt's exit stdout is flushed: nothing already
 * printed is lost. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd_common.h"
#include "render.h"

static int pipe_fd[2] = {-1, -1};
static pthread_t tid;
static bool running, as_json;

static const char interrupted[] = "\nInterrupt received.\nPlease wait for litehcl to exit or "
    "data loss may occur.\nGracefully shutting down...\n";
static const char fatal[] = "Two interrupts received. Exiting immediately. Note that data "
    "loss may have occurred.";

/* The fatal sentence wrapped as Terraform's format.WordWrap lays it out for stderr. */
static void
print_fatal(void)
{
	struct winsize ws;
	int width = isatty(2) && ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 ?
	    ws.ws_col : 78;
	fputc('\n', stderr);
	const char *p = fatal;
	int col = 0;
	while (*p != '\0') {
		size_t w = strcspn(p, " ");
		if (col > 0 && col + 1 + (int)w > width) {
			fputc('\n', stderr);
			col = 0;
		} else if (col > 0) {
			fputc(' ', stderr);
			col++;
		}
		fwrite(p, 1, w, stderr);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputs("\n\n", stderr);
}

static void *
notifier(void *arg)
{
	(void)arg;
	for (;;) {
		char c;
		ssize_t n = read(pipe_fd[0], &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* the command ended (lh_cmd_interrupt_stop) */
		if (c == '2') {
			/* what the run printed stays; then the words, and out at once */
			fflush(stdout);
			if (as_json)
				lh_ui_emit(stdout, "info", "log", NULL, "\n%s\n", fatal);
			else
				print_fatal();
			fflush(stderr);
			_exit(1);
		}
		lh_cmd_progress_lock();
		if (as_json) {
			lh_ui_emit(stdout, "info", "log", NULL, "%s", interrupted);
			lh_ui_emit(stdout, "info", "log", NULL, "Stopping operation...");
		} else {
			fputs(interrupted, stdout);
			fputs("\nStopping operation...\n", stdout);
		}
		fflush(stdout);
		lh_cmd_progress_unlock();
	}
}

bool
lh_cmd_interrupt_start(bool json)
{
	if (running)
		return true;
	if (pipe2(pipe_fd, O_CLOEXEC) != 0) {
		pipe_fd[0] = pipe_fd[1] = -1;
		return false;
	}
	as_json = json;
	/* the thread takes no signal: they go to the threads that run the command */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	running = pthread_create(&tid, NULL, notifier, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!running) {
		close(pipe_fd[0]);
		close(pipe_fd[1]);
		pipe_fd[0] = pipe_fd[1] = -1;
	}
	return running;
}

void
lh_cmd_interrupt_notify(int count)
{
	char c = count >= 2 ? '2' : '1';
	if (pipe_fd[1] >= 0 && write(pipe_fd[1], &c, 1) == 1)
		return;
	/* no notifier: say it from here (on the right stream, perhaps ahead of buffered
	 * output) */
	static const char stop[] = "\nStopping operation...\n";
	static const char two[] = "\nTwo interrupts received. Exiting immediately. Note that "
	    "data loss may have occurred.\n\n";
	ssize_t w;
	if (count >= 2) {
		w = write(2, two, sizeof two - 1);
		_exit(1);
	}
	w = write(1, interrupted, sizeof interrupted - 1);
	w = write(1, stop, sizeof stop - 1);
	(void)w;
}

void
lh_cmd_interrupt_stop(void)
{
	if (!running)
		return;
	int wfd = pipe_fd[1];
	pipe_fd[1] = -1;	/* a late signal says it itself */
	close(wfd);
	pthread_join(tid, NULL);
	close(pipe_fd[0]);
	pipe_fd[0] = -1;
	running = false;
}
