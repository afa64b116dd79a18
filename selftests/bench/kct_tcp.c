// SPDX-License-Identifier: GPL-2.0
/*
 * kct_tcp: the TCP ends of kct's benchmarks.
 *
 *   kct_tcp serve PORT          accept connections and close each at once
 *   kct_tcp echo PORT           accept connections, echo what they send
 *   kct_tcp connect ADDR PORT SECS
 *                               open and close connections for SECS
 *                               seconds, one at a time; prints how many
 *                               completed and the seconds it took
 *   kct_tcp hold ADDR PORT      one connection to an echo server; for each
 *                               line on stdin, send it and print "ok" when
 *                               the echo comes back within 5 s, else "fail"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listener(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4096)) {
		perror("kct_tcp: listen");
		exit(1);
	}
	return fd;
}

static int dial(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void echo(int c)
{
	char buf[512];
	ssize_t n;

	while ((n = read(c, buf, sizeof(buf))) > 0)
		if (write(c, buf, n) != n)
			break;
	close(c);
	_exit(0);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && (!strcmp(argv[1], "serve") || !strcmp(argv[1], "echo"))) {
		int fd = listener(atoi(argv[2])), is_echo = argv[1][0] == 'e';

		signal(SIGCHLD, SIG_IGN);	/* no zombies */
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				continue;
			if (is_echo && fork() == 0)
				echo(c);
			close(c);
		}
	}
	if (argc == 5 && !strcmp(argv[1], "connect")) {
		double start = now(), end = start + atof(argv[4]);
		long done = 0, failed = 0;
		char buf[16];

		while (now() < end) {
			int fd = dial(argv[2], atoi(argv[3]));

			if (fd < 0) {
				failed++;
				continue;
			}
			/* The server closes first: wait for its FIN. */
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
			done++;
		}
		printf("%ld %.3f %ld\n", done, now() - start, failed);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "hold")) {
		int fd = dial(argv[2], atoi(argv[3]));
		char line[256], buf[256];

		if (fd < 0) {
			perror("kct_tcp: connect");
			return 1;
		}
		setvbuf(stdout, NULL, _IOLBF, 0);
		while (fgets(line, sizeof(line), stdin)) {
			size_t len = strlen(line), got = 0;
			struct pollfd p = { .fd = fd, .events = POLLIN };
			double end = now() + 5;

			if (write(fd, line, len) != (ssize_t)len) {
				puts("fail");
				continue;
			}
			while (got < len && now() < end &&
			       poll(&p, 1, 100) >= 0) {
				ssize_t n = p.revents ? read(fd, buf, sizeof(buf)) : 0;

				if (n < 0 || (p.revents && n == 0))
					break;
				got += n;
			}
			puts(got >= len ? "ok" : "fail");
		}
		return 0;
	}
	fprintf(stderr, "usage: kct_tcp serve|echo PORT | connect ADDR PORT SECS\n"
		"       kct_tcp hold ADDR PORT\n");
	return 2;
}
